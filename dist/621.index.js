export const id = 621;
export const ids = [621,158];
export const modules = {

/***/ 70621:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   uploadReceipt: () => (/* binding */ uploadReceipt)
/* harmony export */ });
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(34758);
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(15870);
/* harmony import */ var _upload_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(28158);
/** Uploads the receipt as an artifact of the current run; a failure is a warning, never a failed step. */



/** `retentionDays` undefined: the repository's default. */
async function uploadReceipt(name, receiptPath, retentionDays, log) {
    try {
        const { id, file } = await (0,_upload_js__WEBPACK_IMPORTED_MODULE_2__.uploadFile)(name, receiptPath, retentionDays);
        log.info(`Receipt uploaded as artifact "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(name)}" (id ${id ?? 'unknown'}, file ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(file)}${retentionDays === undefined ? '' : `, kept ${retentionDays} days`})`);
    }
    catch (error) {
        // The change has happened: failing the step now would invite a re-run, and a second one.
        log.warning(`could not upload the receipt as artifact "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(name)}": ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)((0,_base_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .messageOf */ .b)(error), 300)}. The receipt is still at receipt-path for a later step`, 'Receipt not uploaded');
    }
}


/***/ }),

/***/ 28158:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   uploadFile: () => (/* binding */ uploadFile)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/** Uploads one file as an artifact of the current run (the receipt, an input archive). */

/** The artifact's id; `retentionDays` undefined: the repository's default. Throws what @actions/artifact throws. */
async function uploadFile(name, path, retentionDays) {
    const { DefaultArtifactClient } = await __webpack_require__.e(/* import() */ 584).then(__webpack_require__.bind(__webpack_require__, 20584));
    const result = await new DefaultArtifactClient().uploadArtifact(name, [path], (0,node_path__WEBPACK_IMPORTED_MODULE_0__.dirname)(path), {
        ...(retentionDays === undefined ? {} : { retentionDays }),
    });
    return { id: result.id, file: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.basename)(path) };
}


/***/ })

};
