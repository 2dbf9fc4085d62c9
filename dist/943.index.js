export const id = 943;
export const ids = [943];
export const modules = {

/***/ 50943:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cancelFleetOperation: () => (/* binding */ cancelFleetOperation)
/* harmony export */ });
/* harmony import */ var _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(94204);
/* harmony import */ var _answers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(19490);
/* harmony import */ var _signed_change_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2399);
/* harmony import */ var _documents_operations_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(71898);
/**
 * Cancels a fleet operation: `POST /key-stores/{storeId}/fleet-operations/cancel` with
 * `{"groupId", "reason"?}`, which is also the signed payload. Dfns answers the operation's group
 * (as its SDKs type it: `groupId`, `status` and its `operations`), or 202 when a policy holds it.
 */




/** The statuses of a fleet operation group, and of each of its operations (Dfns's SDK types). */
const GROUP_STATUSES = ['Initialized', 'InReview', 'Rejected', 'Approved', 'Canceled'];
/** The group as the answer describes it: what the action reads of it; every other field is let through. */
const CanceledGroup = _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .looseObject */ ._H({
    groupId: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .string */ .Yj(),
    status: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* ["enum"] */ .k5(GROUP_STATUSES),
    operations: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .array */ .YO(_documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .looseObject */ ._H({
        operationId: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .string */ .Yj()),
        kind: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .string */ .Yj()),
        status: _documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_0__/* .string */ .Yj()),
    }))),
});
function cancelFleetOperation(req) {
    const payload = { byteLength: Buffer.byteLength(req.body), slices: () => [req.body] };
    return (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_2__/* .signedChange */ .bj)(req, {
        call: 'cancel',
        path: (0,_documents_operations_js__WEBPACK_IMPORTED_MODULE_3__/* .cancelPath */ .ML)(req.target.storeId),
        payload,
        async send(transport, userAction) {
            const answer = await transport.post('cancel', this.path, req.body, { 'x-dfns-useraction': userAction });
            const requestId = answer.requestId ?? null;
            if (answer.status === 202)
                return { kind: 'pending-approval', httpStatus: 202, detail: (0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .describeApproval */ .xh)(answer.bodyText), requestId };
            (0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .expectOk */ .aT)('cancel', req.target, answer);
            return { kind: 'canceled', httpStatus: answer.status, group: (0,_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .parseAnswer */ .Wp)('cancel', answer, CanceledGroup), requestId };
        },
    });
}


/***/ })

};
