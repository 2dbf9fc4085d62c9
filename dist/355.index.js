export const id = 355;
export const ids = [355];
export const modules = {

/***/ 19355:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   submitOutput: () => (/* binding */ submitOutput)
/* harmony export */ });
/* harmony import */ var _documents_operations_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(71898);
/* harmony import */ var _answers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(19490);
/* harmony import */ var _body_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(68013);
/* harmony import */ var _signed_change_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2399);




function submitOutput(req) {
    // Written a slice at a time by every attempt, from the data part and the file's own bytes (body.ts).
    const body = (0,_body_js__WEBPACK_IMPORTED_MODULE_2__/* .multipartBody */ .R)({
        data: req.dataPart,
        file: { bytes: req.file.bytes, name: req.file.name, type: 'application/octet-stream' },
    });
    const fileBytes = req.file.bytes.byteLength;
    return (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_3__/* .signedChange */ .bj)(req, {
        call: 'submit',
        path: (0,_documents_operations_js__WEBPACK_IMPORTED_MODULE_0__/* .submissionPath */ .wy)(req.target.storeId, req.operation),
        payload: req.dataPart,
        fileBytes,
        async send(transport, userAction) {
            const answer = await transport.post('submit', this.path, body, { 'x-dfns-useraction': userAction });
            const requestId = answer.requestId ?? null;
            if (answer.status === 202)
                return { kind: 'pending-approval', httpStatus: 202, detail: (0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .describeApproval */ .xh)(answer.bodyText), requestId };
            (0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .expectOk */ .aT)('submit', req.target, answer, { request: body.byteLength, file: fileBytes });
            return {
                kind: 'answered',
                httpStatus: answer.status,
                ...(0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .parseAnswer */ .Wp)('submit', answer, (0,_documents_operations_js__WEBPACK_IMPORTED_MODULE_0__/* .operationSpec */ .po)(req.operation).answer),
                requestId,
            };
        },
    });
}


/***/ })

};
