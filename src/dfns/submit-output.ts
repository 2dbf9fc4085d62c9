/**
 * Submits an offline signer output: `POST /key-stores/{storeId}/<operation>/output`, multipart
 * form data whose `data` part (the output's own text and its checksum) is also the signed
 * payload, and whose `file` part is the file's bytes.
 */
import type { AcceptedAnswer, Operation } from '../documents/operations.ts';
import { operationSpec, submissionPath } from '../documents/operations.ts';
import { describeApproval, expectOk, parseAnswer } from './answers.ts';
import { multipartBody } from './body.ts';
import type { DataPart } from './data-part.ts';
import { signedChange, type SignedChangeRequest } from './signed-change.ts';

export interface SubmitRequest extends SignedChangeRequest {
  operation: Operation;
  /** The `data` part: also the signed `userActionPayload`. */
  dataPart: DataPart;
  file: { bytes: Uint8Array; name: string };
}

type DfnsAnswer = (
  ({ kind: 'answered'; httpStatus: number } & AcceptedAnswer) | { kind: 'pending-approval'; httpStatus: 202; detail: string }
) & { requestId: string | null };

/** What Dfns answered to the submission, and after how many challenge-sign-submit attempts. */
export type SubmitAnswer = DfnsAnswer & { attempts: number };

export function submitOutput(req: SubmitRequest): Promise<SubmitAnswer> {
  // Written a slice at a time by every attempt, from the data part and the file's own bytes (body.ts).
  const body = multipartBody({
    data: req.dataPart,
    file: { bytes: req.file.bytes, name: req.file.name, type: 'application/octet-stream' },
  });
  const fileBytes = req.file.bytes.byteLength;
  return signedChange<DfnsAnswer>(req, {
    call: 'submit',
    path: submissionPath(req.target.storeId, req.operation),
    payload: req.dataPart,
    fileBytes,
    async send(transport, userAction) {
      const answer = await transport.post('submit', this.path, body, { 'x-dfns-useraction': userAction });
      const requestId = answer.requestId ?? null;
      if (answer.status === 202) return { kind: 'pending-approval', httpStatus: 202, detail: describeApproval(answer.bodyText), requestId };
      expectOk('submit', req.target, answer, { request: body.byteLength, file: fileBytes });
      return {
        kind: 'answered',
        httpStatus: answer.status,
        ...parseAnswer('submit', answer, operationSpec(req.operation).answer),
        requestId,
      };
    },
  });
}
