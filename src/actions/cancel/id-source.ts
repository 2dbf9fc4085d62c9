/**
 * The ids a cancel can take from a file (`path`): the `keystore_id` and `group_id` of an input
 * archive's input document (or of that document alone), or of an output, which the strict readers
 * read as for a submission.
 */
import { ActionError, messageOf } from '../../base/errors.ts';
import { safeText } from '../../base/safe-text.ts';
import { decodeUtf8Strict, parseStrictJson } from '../../file/json.ts';
import { locateFile, type LocatedFile } from '../../file/locate.ts';
import { parseOutputFile, readFileOnce } from '../../file/output-file.ts';
import { describeRefusedEntries, isZip, listZip, readZipEntry } from '../../file/zip.ts';
import { isDfnsId } from '../../documents/dfns-id.ts';
import { INPUT_ARCHIVE_DOCUMENT_ENTRY, inputArchiveIds, isInputArchiveDocument } from '../../documents/input-archive-document.ts';

/** An input archive that cannot be read. */
class InputArchiveError extends ActionError {
  override name = 'InputArchiveError';
  readonly title = 'Invalid input archive';
}

export interface IdSource {
  located: LocatedFile;
  /** What the file is: an output the fleet produced, or the input archive (or document) Dfns created. */
  document: 'output' | 'input-archive';
  storeId: string | undefined;
  groupId: string | undefined;
}

export function readIds(path: string, workspace: string): IdSource {
  const located = locateFile(path, workspace);
  const { bytes } = readFileOnce(located.path, located.displayPath);
  const input = inputArchiveDocumentIn(bytes, safeText(located.displayPath));
  if (input !== undefined) return { located, document: 'input-archive', ...inputArchiveIds(input) };
  const { output } = parseOutputFile(bytes, located.displayPath);
  const id = (value: string): string | undefined => (isDfnsId(value) ? value : undefined);
  return { located, document: 'output', storeId: id(output.keystore_id), groupId: id(output.group_id) };
}

/** The input document the bytes are, or that their archive holds; undefined when they are neither (an output, say). */
function inputArchiveDocumentIn(bytes: Uint8Array, name: string): unknown {
  if (!isZip(bytes)) {
    try {
      const value = parseStrictJson(decodeUtf8Strict(bytes));
      return isInputArchiveDocument(value) ? value : undefined;
    } catch {
      return undefined; // not JSON: the output reader says why
    }
  }
  let entries;
  try {
    entries = listZip(bytes);
  } catch {
    return undefined; // the output reader says why
  }
  const document = entries.find((entry) => entry.name === INPUT_ARCHIVE_DOCUMENT_ENTRY);
  if (!document) return undefined;
  const refused = describeRefusedEntries(entries);
  if (refused !== undefined) throw new InputArchiveError(`${name}: the input archive holds ${refused}; refusing it`);
  try {
    return parseStrictJson(decodeUtf8Strict(readZipEntry(bytes, document)));
  } catch (error) {
    throw new InputArchiveError(`${name} (entry "${INPUT_ARCHIVE_DOCUMENT_ENTRY}"): ${messageOf(error)}`, { cause: error });
  }
}
