/**
 * The input document in an input archive (`input/input.json`), which Dfns creates for the fleet.
 * Its schema is not published: the actions read only the ids they need (the fleet operation's
 * group, the key store), and recognise an input archive given where an output was expected.
 */
import { isDfnsId } from './dfns-id.ts';
import { isPlainObject } from './violations.ts';

/** The entry of an input archive that holds the input document. */
export const INPUT_ARCHIVE_DOCUMENT_ENTRY = 'input/input.json';
/** The `type` of an input document: the counterparts of `keystore-output` and `fleet-output`. */
const INPUT_ARCHIVE_DOCUMENT_TYPES: readonly string[] = ['keystore-input', 'fleet-input'];

/** What a message says of an input archive given where an output was expected. */
export const NOT_AN_OUTPUT =
  'this is the input archive Dfns created for the fleet, not an output: submit the output the fleet produced from it';

export interface InputArchiveIds {
  /** The fleet operation's group (`group_id`). */
  groupId: string | undefined;
  /** The key store (`keystore_id`). */
  storeId: string | undefined;
}

/** Whether a parsed document is an input document (its `type`). */
export function isInputArchiveDocument(value: unknown): boolean {
  return isPlainObject(value) && typeof value['type'] === 'string' && INPUT_ARCHIVE_DOCUMENT_TYPES.includes(value['type']);
}

/** The ids an input document names, each only when it is a Dfns id. */
export function inputArchiveIds(value: unknown): InputArchiveIds {
  const id = (key: string): string | undefined => {
    const found = isPlainObject(value) ? value[key] : undefined;
    return typeof found === 'string' && isDfnsId(found) ? found : undefined;
  };
  return { groupId: id('group_id'), storeId: id('keystore_id') };
}
