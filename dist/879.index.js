export const id = 879;
export const ids = [879];
export const modules = {

/***/ 58879:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   findOutputIn: () => (/* binding */ findOutputIn)
/* harmony export */ });
/* unused harmony export MAX_ARTIFACT_FILES */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _file_output_file_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(59749);
/* harmony import */ var _file_zip_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(43641);
/* harmony import */ var _base_lists_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(70680);
/**
 * Finds the output among a downloaded artifact's files when `path` is not given: the single
 * `.json` output (keystore-output or fleet-output), or the single zip archive holding one.
 */





/** An artifact with more files than this is not an output's. */
const MAX_ARTIFACT_FILES = 1000;
const LISTED_FILES = 20;
function findOutputIn(dir, artifactLabel) {
    const files = listFiles(dir);
    const candidates = files.filter((rel) => rel.toLowerCase().endsWith('.json') || startsWithZipMagic((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, rel)));
    const list = (names) => (0,_base_lists_js__WEBPACK_IMPORTED_MODULE_4__/* .listNames */ .Z)(names, LISTED_FILES);
    const { candidate, result } = (0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .pickOutput */ .Lx)(candidates, (rel) => (0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .parseOutputFile */ .X2)((0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .readFileOnce */ .ih)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, rel), rel), rel), {
        several: (found) => `${artifactLabel} holds ${found.length} outputs (${list(found)}); pass "path" to choose one`,
        none: (tried) => `${artifactLabel} holds no output (a .json keystore-output or fleet-output document, or a zip archive holding one${tried > 1 ? ', that is valid' : ''}). ` +
            `It contains: ${files.length === 0 ? '(no files)' : list(files)}`,
    });
    return { located: { path: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, candidate), displayPath: candidate }, file: result };
}
/** Regular files below `dir`, as relative paths, sorted; links are not followed. */
function listFiles(dir) {
    const out = [];
    for (const entry of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile())
            continue;
        out.push((0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(entry.parentPath, entry.name)));
        if (out.length > MAX_ARTIFACT_FILES) {
            throw new Error(`the artifact holds more than ${MAX_ARTIFACT_FILES} files; pass "path" to name the output file`);
        }
    }
    return out.sort();
}
function startsWithZipMagic(path) {
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync)(path).isFile())
        return false;
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync)(path, 'r');
    try {
        const head = Buffer.alloc(4);
        return (0,_file_zip_js__WEBPACK_IMPORTED_MODULE_3__/* .isZip */ .K0)(head.subarray(0, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync)(fd, head, 0, 4, 0)));
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
    }
}


/***/ })

};
