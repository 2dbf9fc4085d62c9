export const id = 403;
export const ids = [403];
export const modules = {

/***/ 77403:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createInputArchive: () => (/* binding */ createInputArchive)
/* harmony export */ });
/* unused harmony exports MAX_INPUT_ARCHIVE_BYTES, describeBytes */
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(15870);
/* harmony import */ var _base_units_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(19182);
/* harmony import */ var _file_zip_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(43641);
/* harmony import */ var _base_lists_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(70680);
/* harmony import */ var _documents_operations_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(71898);
/* harmony import */ var _documents_input_archive_document_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(67055);
/* harmony import */ var _file_json_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(57334);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(31142);
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(18097);
/* harmony import */ var _answers_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(19490);
/* harmony import */ var _signed_change_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(2399);
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(34758);
/* harmony import */ var _base_version_js__WEBPACK_IMPORTED_MODULE_12__ = __webpack_require__(12301);
/**
 * Creates an operation's input archive: `POST /key-stores/{storeId}/<operation>/input` with its
 * JSON body, which is also the signed payload. Dfns answers `200 application/zip`: the answer is
 * read as bytes (never as JSON, as the official SDKs try to) and must be a zip that the strict
 * reader reads whole, every entry's CRC checked; anything else is described, never written.
 */













/** The largest input archive read. */
const MAX_INPUT_ARCHIVE_BYTES = 256 * 1024 * 1024;
/** Bytes of an answer that is not a zip shown in the message. */
const DESCRIBED_BYTES = 48;
function createInputArchive(req) {
    const payload = { byteLength: Buffer.byteLength(req.body), slices: () => [req.body] };
    return (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_9__/* .signedChange */ .bj)(req, {
        call: 'create',
        path: (0,_documents_operations_js__WEBPACK_IMPORTED_MODULE_3__/* .createInputPath */ .OU)(req.target.storeId, req.operation),
        payload,
        async send(transport, userAction) {
            const answer = await transport.post('create', this.path, req.body, { 'x-dfns-useraction': userAction }, {
                accept: 'application/zip',
                maxAnswerBytes: MAX_INPUT_ARCHIVE_BYTES,
            });
            const requestId = answer.requestId ?? null;
            if (answer.status === 202)
                return { kind: 'pending-approval', httpStatus: 202, detail: (0,_answers_js__WEBPACK_IMPORTED_MODULE_8__/* .describeApproval */ .xh)(answer.bodyText), requestId };
            (0,_answers_js__WEBPACK_IMPORTED_MODULE_8__/* .expectOk */ .aT)('create', req.target, answer);
            return { kind: 'created', httpStatus: answer.status, ...readArchive(answer), requestId };
        },
    });
}
/**
 * Dfns created the input archive (so its fleet operation is open at Dfns), but the archive it answered
 * breaks the rules every archive the action handles is held to: it is not written anywhere.
 */
class RefusedArchiveError extends _base_errors_js__WEBPACK_IMPORTED_MODULE_10__/* .ActionError */ .l {
    name = 'RefusedArchiveError';
    title = 'Archive refused';
    constructor(message) {
        super(message, { effect: 'made' });
    }
}
/**
 * The archive, its entry names and the group its input document names, when the answer is a
 * readable zip that follows the rules. Throws DfnsProtocolError or RefusedArchiveError.
 */
function readArchive(answer) {
    const bytes = answer.bodyBytes;
    const contentType = header(answer, 'content-type');
    const fail = (problem) => {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_6__/* .DfnsProtocolError */ .cE('create', answer, problem, { described: describeBytes(bytes, answer.truncated) });
    };
    if (answer.truncated)
        fail(`the answer is ${(0,_http_js__WEBPACK_IMPORTED_MODULE_7__/* .describeOversize */ .VR)(answer, MAX_INPUT_ARCHIVE_BYTES)}, the most an input archive is read`);
    if (!(0,_file_zip_js__WEBPACK_IMPORTED_MODULE_1__/* .isZip */ .K0)(bytes))
        fail(`the answer is not a zip archive (Content-Type ${contentType ? `"${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeText */ .Hk)(contentType, 100)}"` : 'none'}, ${(0,_base_units_js__WEBPACK_IMPORTED_MODULE_11__/* .size */ .Ej)(bytes.byteLength)})`);
    let entries;
    try {
        entries = (0,_file_zip_js__WEBPACK_IMPORTED_MODULE_1__/* .listZip */ .oV)(bytes);
        for (const entry of entries)
            if (entry.kind === 'file')
                (0,_file_zip_js__WEBPACK_IMPORTED_MODULE_1__/* .readZipEntry */ .g7)(bytes, entry);
    }
    catch (error) {
        return fail(`the zip archive cannot be read: ${(0,_base_errors_js__WEBPACK_IMPORTED_MODULE_10__/* .messageOf */ .b)(error)}`);
    }
    const refused = (0,_file_zip_js__WEBPACK_IMPORTED_MODULE_1__/* .describeRefusedEntries */ .Sg)(entries);
    if (refused !== undefined)
        throw refuse(`it holds ${refused}`);
    if (!entries.some((entry) => entry.kind === 'file')) {
        throw refuse(`it holds no file${entries.length === 0 ? '' : ` (only folders: ${(0,_base_lists_js__WEBPACK_IMPORTED_MODULE_2__/* .listFirst */ .r)(entries, 10, (e) => `"${e.displayName}"`)})`}`);
    }
    return { archive: bytes, entries: entries.map((e) => e.name), groupId: groupOf(bytes, entries) };
}
/** The fleet operation's group that the archive's input document names, if it can be read (it is for the log and the outputs only). */
function groupOf(bytes, entries) {
    const document = entries.find((entry) => entry.name === _documents_input_archive_document_js__WEBPACK_IMPORTED_MODULE_4__/* .INPUT_ARCHIVE_DOCUMENT_ENTRY */ .d4 && entry.kind === 'file');
    if (!document)
        return undefined;
    try {
        return (0,_documents_input_archive_document_js__WEBPACK_IMPORTED_MODULE_4__/* .inputArchiveIds */ .H_)((0,_file_json_js__WEBPACK_IMPORTED_MODULE_5__/* .parseStrictJson */ .RJ)((0,_file_json_js__WEBPACK_IMPORTED_MODULE_5__/* .decodeUtf8Strict */ .h0)((0,_file_zip_js__WEBPACK_IMPORTED_MODULE_1__/* .readZipEntry */ .g7)(bytes, document)))).groupId;
    }
    catch {
        return undefined;
    }
}
function refuse(why) {
    return new RefusedArchiveError(`Dfns created the input archive (its fleet operation is now open at Dfns), but the archive it answered is refused, and nothing was ` +
        `written: ${why}. An archive is carried to the fleet's machines, which extract it: only regular files with plain relative ` +
        `names are accepted. Do not re-run this workflow for it: report the archive to Dfns support. ${_base_version_js__WEBPACK_IMPORTED_MODULE_12__/* .CANCEL_ADVICE */ .O}`);
}
function header(answer, name) {
    const value = answer.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
/** `an empty body`, or the first bytes as text and in hex: `"<!DOCTYPE html>"… (bytes 3C 21 44 4F …)`. */
function describeBytes(bytes, truncated = false) {
    if (bytes.byteLength === 0)
        return 'an empty body';
    const head = Buffer.from(bytes.subarray(0, DESCRIBED_BYTES));
    const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    const more = truncated || bytes.byteLength > head.byteLength ? '…' : '';
    return `${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeQuoted */ .OO)(head.toString('utf8'), DESCRIBED_BYTES)}${more} (bytes ${hex}${bytes.byteLength > 8 ? ' …' : ''})`;
}


/***/ })

};
