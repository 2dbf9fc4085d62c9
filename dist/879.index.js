export const id = 879;
export const ids = [879,721];
export const modules = {

/***/ 58879:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   findOutputIn: () => (/* binding */ findOutputIn)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _file_output_file_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(81768);
/* harmony import */ var _file_locate_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(79922);
/* harmony import */ var _file_zip_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(43641);
/* harmony import */ var _base_lists_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(70680);
/* harmony import */ var _artifact_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(49721);
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
    const list = (names) => (0,_base_lists_js__WEBPACK_IMPORTED_MODULE_5__/* .listNames */ .Z)(names, LISTED_FILES);
    const { candidate, result } = (0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .pickOutput */ .Lx)(candidates, (rel) => {
        const read = (0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .readFileOnce */ .ih)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, rel), rel);
        return { read, file: (0,_file_output_file_js__WEBPACK_IMPORTED_MODULE_2__/* .parseOutputFile */ .X2)(read.bytes, rel) };
    }, {
        several: (found) => `${artifactLabel} holds ${found.length} outputs (${list(found)}); pass "path" to choose one`,
        none: (tried) => `${artifactLabel} holds no output (a .json keystore-output or fleet-output document, or a zip archive holding one${tried > 1 ? ', that is valid' : ''}). ` +
            `It contains: ${files.length === 0 ? '(no files)' : list(files)}`,
    });
    return { located: (0,_file_locate_js__WEBPACK_IMPORTED_MODULE_3__/* .showable */ .of)({ path: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, candidate), displayPath: candidate }), ...result };
}
/** Regular files below `dir`, as relative paths, sorted; links are not followed. */
function listFiles(dir) {
    const out = [];
    for (const entry of (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile())
            continue;
        out.push((0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(entry.parentPath, entry.name)));
        if (out.length > MAX_ARTIFACT_FILES) {
            throw new _artifact_js__WEBPACK_IMPORTED_MODULE_6__/* .ArtifactError */ .nE(`the artifact holds more than ${MAX_ARTIFACT_FILES} files; pass "path" to name the output file`);
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
        return (0,_file_zip_js__WEBPACK_IMPORTED_MODULE_4__/* .isZip */ .K0)(head.subarray(0, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync)(fd, head, 0, 4, 0)));
    }
    finally {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync)(fd);
    }
}


/***/ }),

/***/ 49721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchArtifact: () => (/* binding */ fetchArtifact),
/* harmony export */   nE: () => (/* binding */ ArtifactError)
/* harmony export */ });
/* unused harmony exports resolveArtifactSource, isGhes */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(94204);
/* harmony import */ var _base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(15870);
/* harmony import */ var _base_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(34758);
/* harmony import */ var _base_lists_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(70680);
/**
 * Takes the output file from a workflow artifact: of the current run (through the Actions
 * results service), or of another run (through the REST API with a token), by default the run
 * that triggered a `workflow_run` workflow. The artifact's digest is verified; a run started
 * from a fork is refused unless explicitly allowed.
 *
 * `@actions/artifact` is imported only here, and only when an artifact is used.
 */






class ArtifactError extends _base_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .l {
    name = 'ArtifactError';
    title = 'Artifact not usable';
}
/** How many artifact names a "not found" error lists. */
const MAX_LISTED_ARTIFACTS = 30;
/**
 * What access reading the artifact needs. This run's artifacts are read through the Actions
 * results service with the runner's own token: no `permissions:` entry and no "github-token".
 * Another run's are read through the REST API with "github-token", which needs actions: read.
 */
function permissionHint(source) {
    return source.current
        ? "This run's artifacts are read with the runner's own token (no permission needed): check that a job of this run that " +
            'finished before this one ("needs:") uploaded it, under this name'
        : 'Reading another run\'s artifacts needs "github-token" with actions: read: for github.token, give the job ' +
            '"permissions: actions: read"; for another repository, a token with actions: read there';
}
const WorkflowRunEvent = _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({
    workflow_run: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({
        id: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .int */ .Wh().check(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .positive */ .yj()),
        repository: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({ full_name: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj() }),
        head_repository: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .optional */ .lq(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .nullable */ .me(_documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .looseObject */ ._H({ full_name: _documents_zod_js__WEBPACK_IMPORTED_MODULE_2__/* .string */ .Yj() }))),
    }),
});
/** Which run's artifact to take: the step inputs, else the workflow_run event, else the current run. */
function resolveArtifactSource(inputs, context, log) {
    const event = context.eventName === 'workflow_run' ? readWorkflowRunEvent(context.eventPath) : undefined;
    const repository = inputs.repository ?? event?.workflow_run.repository.full_name ?? context.repository;
    const runId = inputs.runId ?? event?.workflow_run.id ?? context.runId;
    const fromEvent = event !== undefined && runId === event.workflow_run.id && repository === event.workflow_run.repository.full_name;
    if (fromEvent && event) {
        const head = event.workflow_run.head_repository?.full_name;
        if (head !== undefined && head !== event.workflow_run.repository.full_name) {
            if (!inputs.allowForkArtifacts) {
                throw new ArtifactError(`refusing the artifact of run ${runId}: that run was started from the fork ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(head)}, not from ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(repository)}. ` +
                    'Anyone can open a pull request from a fork, so its artifacts are untrusted data: submitting them to Dfns ' +
                    "with this repository's service account would let a stranger choose what is submitted. " +
                    'If every submission is reviewed before this step (e.g. by an environment with required reviewers), set ' +
                    '"allow-fork-artifacts: true".');
            }
            log.warning(`the artifact comes from run ${runId}, started from the fork ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(head)}; allowed by "allow-fork-artifacts"`, 'Artifact from a fork');
        }
    }
    return { repository, runId, current: repository === context.repository && runId === context.runId, fromEvent };
}
function readWorkflowRunEvent(eventPath) {
    if (!eventPath)
        throw new ArtifactError('the event is workflow_run but GITHUB_EVENT_PATH is not set; pass "run-id"');
    let json;
    try {
        json = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(eventPath, 'utf8'));
    }
    catch (error) {
        throw new ArtifactError(`could not read the workflow_run event (${(0,_base_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .b)(error)}); pass "run-id"`);
    }
    const parsed = WorkflowRunEvent.safeParse(json);
    if (!parsed.success)
        throw new ArtifactError('the workflow_run event has no workflow_run.id and repository; pass "run-id"');
    return parsed.data;
}
/** The hosts `@actions/artifact` works with; anything else is GitHub Enterprise Server. */
function isGhes(serverUrl) {
    const host = new URL(serverUrl || 'https://github.com').hostname.toLowerCase();
    return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}
async function fetchArtifact(inputs, context, log) {
    if (isGhes(context.serverUrl)) {
        throw new ArtifactError(`"artifact-name" is not supported on GitHub Enterprise Server (${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(context.serverUrl)}): @actions/artifact does not support it. ` +
            'Download the artifact in a step before this one (actions/download-artifact) and pass its file in "path" instead');
    }
    const source = resolveArtifactSource(inputs, context, log);
    const [owner, repo] = source.repository.split('/');
    if (!owner || !repo)
        throw new ArtifactError(`step input "repository" must be owner/name, got "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(source.repository)}"`);
    if (!source.current && !inputs.githubToken) {
        throw new ArtifactError(`reading run ${source.runId} of ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(source.repository)} needs "github-token". ${permissionHint(source)}`);
    }
    const findBy = source.current
        ? undefined
        : { token: inputs.githubToken ?? '', workflowRunId: source.runId, repositoryOwner: owner, repositoryName: repo };
    const where = `run ${source.runId} of ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(source.repository)}${source.current ? ' (this run)' : ''}`;
    const { DefaultArtifactClient } = await __webpack_require__.e(/* import() */ 584).then(__webpack_require__.bind(__webpack_require__, 20584));
    const client = new DefaultArtifactClient();
    const listed = await wrap(`listing the artifacts of ${where}`, source, () => client.listArtifacts(findBy ? { findBy } : {}));
    const named = listed.artifacts.filter((a) => a.name === inputs.artifactName).sort((a, b) => b.id - a.id);
    const artifact = named[0];
    if (!artifact) {
        const names = [...new Set(listed.artifacts.map((a) => a.name))];
        throw new ArtifactError(`no artifact named "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(inputs.artifactName)}" in ${where}; ` +
            (names.length === 0
                ? 'the run has no artifacts (they may have expired, or the upload step did not run). '
                : `the run has: ${(0,_base_lists_js__WEBPACK_IMPORTED_MODULE_5__/* .listNames */ .Z)(names, MAX_LISTED_ARTIFACTS)}. `) +
            permissionHint(source));
    }
    if (named.length > 1) {
        log.info(`${named.length} artifacts are named "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(artifact.name)}" in ${where}; using the newest, id ${artifact.id}`);
    }
    const downloadPath = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(context.runnerTemp, 'dfns-keystore-artifact-'));
    const digest = artifact.digest || undefined;
    const result = await wrap(`downloading artifact ${artifact.id} ("${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(artifact.name)}") from ${where}`, source, () => client.downloadArtifact(artifact.id, {
        path: downloadPath,
        ...(digest ? { expectedHash: digest } : {}),
        ...(findBy ? { findBy } : {}),
    }));
    if (digest && result.digestMismatch) {
        throw new ArtifactError(`artifact ${artifact.id} ("${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(artifact.name)}") does not match its digest ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(digest)}: ` +
            'what was downloaded is not what was uploaded: re-run the upload');
    }
    if (digest) {
        log.info(`Artifact "${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(artifact.name)}" (id ${artifact.id}) from ${where}: digest ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(digest, 100)} verified`);
    }
    else {
        log.warning(`artifact ${artifact.id} ("${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)(artifact.name)}") has no digest, so its download could not be verified ` +
            '(artifacts uploaded with actions/upload-artifact v4 or later carry one)', 'Artifact not verified');
    }
    return { name: artifact.name, id: artifact.id, digest, repository: source.repository, runId: source.runId, downloadPath };
}
async function wrap(what, source, fn) {
    try {
        return await fn();
    }
    catch (error) {
        throw new ArtifactError(`failed ${what}: ${(0,_base_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)((0,_base_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .b)(error), 300)}. ${permissionHint(source)}`, { cause: error });
    }
}


/***/ })

};
