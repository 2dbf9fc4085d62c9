export const id = 158;
export const ids = [158];
export const modules = {

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
