export const id = 547;
export const ids = [547];
export const modules = {

/***/ 62547:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkOnline: () => (/* binding */ checkOnline)
/* harmony export */ });
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(34758);
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(15870);
/* harmony import */ var _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(94204);
/* harmony import */ var _answers_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(19490);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(20443);
/* harmony import */ var _signed_change_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2399);
/**
 * An online dry run's checks against Dfns, which change nothing there:
 * 1. `GET /key-stores` (not signed): the token is accepted in this region, the key store exists in
 *    the organisation, and it is an offline signer fleet (`OfflineSigner`). A 403 means the service
 *    account lacks `KeyStores:Read`, which the real work does not need: a warning, not a failure.
 * 2. The user action challenge created for the exact request the run would send, and signed: Dfns
 *    itself checks the credential id and the private key. The token it issues is never used.
 * Each check's result is told to `record` as it is known; a failed check throws.
 */






/** The permission `GET /key-stores` needs. */
const KEY_STORES_READ = 'KeyStores:Read';
/** A check against Dfns failed: the key store is not there, or not an offline signer fleet. */
class OnlineCheckError extends _base_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .l {
    name = 'OnlineCheckError';
    title = 'Online check failed';
}
const KeyStores = _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({
    items: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YO(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({ id: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj(), kind: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj(), name: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj()) })),
});
async function checkOnline(req, request, record) {
    const transport = (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_5__/* .openTransport */ .g2)(req);
    const retry = (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_5__/* .retryContext */ .eI)(req, undefined);
    const { storeId } = req.target;
    const fail = (check, error) => {
        record({ check, result: 'failed', detail: error instanceof Error ? error.message : String(error) });
        throw error;
    };
    try {
        // 1. The token, the region, the key store.
        let stores;
        try {
            const answer = await (0,_retry_js__WEBPACK_IMPORTED_MODULE_4__/* .withRetries */ .LH)('stores', _retry_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_CALL_ATTEMPTS */ .f1, retry, async () => {
                const got = await transport.get('stores', '/key-stores');
                return got.status === 403 ? got : (0,_answers_js__WEBPACK_IMPORTED_MODULE_3__/* .expectOk */ .aT)('stores', req.target, got);
            });
            if (answer.status !== 403)
                stores = (0,_answers_js__WEBPACK_IMPORTED_MODULE_3__/* .parseAnswer */ .Wp)('stores', answer, KeyStores);
        }
        catch (error) {
            fail('token and region', error);
        }
        record({ check: 'token and region', result: 'passed', detail: `Dfns accepted the token at ${req.apiUrl.origin}` });
        if (stores === undefined) {
            const detail = `the service account lacks the permission ${KEY_STORES_READ}, so the key store could not be looked up; the action needs no ` +
                `such permission for its real work: grant ${KEY_STORES_READ} to have the key store checked too`;
            record({ check: 'key store', result: 'not checked', detail });
            req.log.warning(detail, 'Key store not checked');
        }
        else {
            const store = stores.items.find((item) => item.id === storeId);
            if (!store) {
                fail('key store', new OnlineCheckError(`the key store "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(storeId, 100)}" is not among the key stores of this organisation at ${req.apiUrl.origin}: ` +
                    'check "store-id" (or the file it was taken from) and "dfns-api-url" (the organisation\'s region)'));
            }
            else if (store.kind !== 'OfflineSigner') {
                fail('key store', new OnlineCheckError(`the key store "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(storeId, 100)}" is a key store of kind ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(store.kind, 40)}, not an offline signer fleet (OfflineSigner): ` +
                    'check "store-id"'));
            }
            else {
                record({
                    check: 'key store',
                    result: 'passed',
                    detail: `${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(storeId, 100)} is an OfflineSigner key store${store.name ? ` named "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(store.name, 100)}"` : ''}`,
                });
            }
        }
        // 2. The credential and the key, for the exact request.
        try {
            await (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_5__/* .obtainUserAction */ .Db)(transport, req, retry, request);
        }
        catch (error) {
            fail('credential and key', error);
        }
        record({
            check: 'credential and key',
            result: 'passed',
            detail: `Dfns created the challenge for POST ${request.path} and accepted the signature of credential ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_1__/* .safeText */ .Hk)(req.credentialId, 100)}; ` +
                'the user action token it issued was not used, so nothing changed at Dfns',
        });
    }
    catch (error) {
        (0,_signed_change_js__WEBPACK_IMPORTED_MODULE_5__/* .logFailure */ .H1)(req.log, error);
        throw error;
    }
    finally {
        await transport.close();
    }
}


/***/ })

};
