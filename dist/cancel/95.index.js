export const id = 95;
export const ids = [95];
export const modules = {

/***/ 7095:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  uploadReceipt: () => (/* binding */ uploadReceipt)
});

// EXTERNAL MODULE: ./src/base/errors.ts
var errors = __webpack_require__(34758);
// EXTERNAL MODULE: ./src/base/safe-text.ts
var safe_text = __webpack_require__(15870);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/github/upload.ts
/** Uploads one file as an artifact of the current run (the receipt, an input archive). */

/** The artifact's id; `retentionDays` undefined: the repository's default. Throws what @actions/artifact throws. */
async function uploadFile(name, path, retentionDays) {
    const { DefaultArtifactClient } = await __webpack_require__.e(/* import() */ 584).then(__webpack_require__.bind(__webpack_require__, 20584));
    const result = await new DefaultArtifactClient().uploadArtifact(name, [path], (0,external_node_path_.dirname)(path), {
        ...(retentionDays === undefined ? {} : { retentionDays }),
    });
    return { id: result.id, file: (0,external_node_path_.basename)(path) };
}

;// CONCATENATED MODULE: ./src/github/receipt-upload.ts
/** Uploads the receipt as an artifact of the current run; a failure is a warning, never a failed step. */



/** `retentionDays` undefined: the repository's default. */
async function uploadReceipt(name, receiptPath, retentionDays, log) {
    try {
        const { id, file } = await uploadFile(name, receiptPath, retentionDays);
        log.info(`Receipt uploaded as artifact "${(0,safe_text/* safeText */.Hk)(name)}" (id ${id ?? 'unknown'}, file ${(0,safe_text/* safeText */.Hk)(file)}${retentionDays === undefined ? '' : `, kept ${retentionDays} days`})`);
    }
    catch (error) {
        // The change has happened: failing the step now would invite a re-run, and a second one.
        log.warning(`could not upload the receipt as artifact "${(0,safe_text/* safeText */.Hk)(name)}": ${(0,safe_text/* safeText */.Hk)((0,errors/* messageOf */.b)(error), 300)}. The receipt is still at receipt-path for a later step`, 'Receipt not uploaded');
    }
}


/***/ })

};
