export const id = 551;
export const ids = [551];
export const modules = {

/***/ 13551:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createInput: () => (/* binding */ createInput)
});

// UNUSED EXPORTS: MAX_INPUT_ARCHIVE_BYTES, RefusedArchiveError, describeBytes

// EXTERNAL MODULE: ./src/base/safe-text.ts
var safe_text = __webpack_require__(15870);
// EXTERNAL MODULE: ./src/base/units.ts
var units = __webpack_require__(19182);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: ./src/base/lists.ts
var lists = __webpack_require__(70680);
;// CONCATENATED MODULE: ./src/file/zip.ts
/**
 * Reads an output archive (a zip) in memory, never extracting it. Strict, because one audited
 * file must not mean two things to two readers: every byte must belong to exactly one entry,
 * local headers must agree with the central directory, names must be unique and unambiguous.
 * Only stored and deflated entries are read, through node:zlib with a hard output cap.
 */




const ZIP_MAX_ENTRIES = 1000;
/** Sum of the entries' declared uncompressed sizes. */
const ZIP_MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024;
const ZIP_MAX_ENTRY_UNCOMPRESSED = 64 * 1024 * 1024;
/** Uncompressed / compressed size, per entry, for entries over ZIP_RATIO_MIN_SIZE uncompressed. */
const ZIP_MAX_RATIO = 200;
const ZIP_RATIO_MIN_SIZE = 1024 * 1024;
/** The end record (22 bytes) plus the longest comment: how far from the end the record may start. */
const ZIP_EOCD_SEARCH_BYTES = 22 + 0xffff;
class ZipError extends Error {
    name = 'ZipError';
}
/** How a message names the entries of each problem. */
const PROBLEM_LABELS = {
    'unsafe-name': 'entries with unsafe names (absolute, a drive letter, "..", a backslash, or a control or invisible character)',
    symlink: 'symbolic links',
    'not-a-file': 'entries that are not regular files (by their external attributes: devices, pipes, sockets)',
    'folder-with-data': 'folder entries that hold data',
};
/**
 * Why an entry is refused, or undefined. Only regular files (and empty folder entries) with safe,
 * relative names are taken: an archive is carried to machines that extract it, where a link or a
 * name like "../x" would reach outside its folder.
 */
function entryProblem(entry) {
    if (entry.unsafeName)
        return 'unsafe-name';
    if (entry.kind === 'symlink')
        return 'symlink';
    if (entry.kind === 'other')
        return 'not-a-file';
    if (entry.kind === 'directory' && entry.uncompressedSize > 0)
        return 'folder-with-data';
    return undefined;
}
/** How many refused entries a message lists, of each problem. */
const MAX_LISTED_REFUSED_ENTRIES = 20;
/**
 * What is refused in `entries`, grouped by problem (`entries with unsafe names (…): "../x", "/y";
 * symbolic links: "l"`), or undefined when nothing is.
 */
function describeRefusedEntries(entries) {
    const groups = new Map();
    for (const entry of entries) {
        const problem = entryProblem(entry);
        if (problem !== undefined)
            groups.set(problem, [...(groups.get(problem) ?? []), entry.displayName]);
    }
    if (groups.size === 0)
        return undefined;
    return [...groups].map(([problem, names]) => `${PROBLEM_LABELS[problem]}: ${(0,lists/* listFirst */.r)(names, MAX_LISTED_REFUSED_ENTRIES, (n) => `"${n}"`)}`).join('; ');
}
const [LOCAL, CENTRAL, END, ZIP64_LOCATOR, DESCRIPTOR] = [0x04034b50, 0x02014b50, 0x06054b50, 0x07064b50, 0x08074b50];
const [ENCRYPTED, HAS_DESCRIPTOR, STRONG_ENCRYPTION, UTF8_NAME] = [0x1, 0x8, 0x40, 0x800];
/** Flags that change how an entry reads: local header and central directory must agree on them. */
const MEANINGFUL_FLAGS = ENCRYPTED | HAS_DESCRIPTOR | STRONG_ENCRYPTION | UTF8_NAME;
const [ZIP64_EXTRA, UNICODE_PATH_EXTRA] = [0x0001, 0x7075];
const AES_METHOD = 99;
const METHOD_NAMES = {
    9: 'deflate64',
    12: 'bzip2',
    14: 'LZMA',
    93: 'zstd',
    95: 'xz',
    98: 'PPMd',
    [AES_METHOD]: 'AES encryption',
};
/**
 * Code page 437, bytes 0x80 to 0xFF: what names mean without the UTF-8 flag (APPNOTE 4.4.4).
 * Bytes below 0x80 are read as ASCII, so control bytes stay control characters (and unsafe).
 */
const CP437_HIGH = 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
    'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const ZIP64 = 'uses ZIP64, which is not supported (outputs are far below 4 GiB)';
/** `ignoreBOM`: a name starting with U+FEFF keeps it, as other readers show it (the default drops it). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Whether the bytes start as a zip: a local file header, or the end record of an empty archive. */
function isZip(bytes) {
    if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
        return false;
    return (bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6);
}
/** Lists the entries from the central directory, after checking the whole archive's structure and limits. */
function listZip(bytes) {
    const reader = new Reader(bytes);
    const end = findEndRecord(reader);
    const [count, size, offset] = [reader.u16(end + 10), reader.u32(end + 12), reader.u32(end + 16)];
    const locator = end >= 20 && reader.u32(end - 20) === ZIP64_LOCATOR;
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff || locator) {
        throw new ZipError(`the archive ${ZIP64}`);
    }
    if (reader.u16(end + 4) !== 0 || reader.u16(end + 6) !== 0 || reader.u16(end + 8) !== count) {
        throw new ZipError('the archive spans several disks (a split or spanned zip), which is not supported');
    }
    if (count > ZIP_MAX_ENTRIES) {
        throw new ZipError(`the archive has ${count} entries, over the limit of ${ZIP_MAX_ENTRIES}`);
    }
    if (offset + size !== end) {
        throw corrupt(`the central directory (${size} bytes at offset ${offset}) does not end where the end record starts (offset ${end})`);
    }
    const records = [];
    let p = offset;
    for (let k = 1; k <= count; k++) {
        if (p + 46 > end || reader.u32(p) !== CENTRAL) {
            throw corrupt(`central directory record ${k} of ${count} at offset ${p} is invalid`);
        }
        const next = p + 46 + reader.u16(p + 28) + reader.u16(p + 30) + reader.u16(p + 32);
        if (next > end)
            throw corrupt(`central directory record ${k} runs past the central directory`);
        records.push(readCentralRecord(reader, p));
        p = next;
    }
    if (p !== end)
        throw corrupt(`the central directory holds ${end - p} bytes after its ${count} declared records`);
    checkNamesAndTotal(records);
    checkLayout(reader, records, offset);
    return records.map(({ flags: _flags, nameBytes: _nameBytes, ...entry }) => entry);
}
/**
 * Reads one entry's data, stored (0) or deflated (8), checking its limits, size and CRC-32.
 * A stored entry's data is a view into `bytes`.
 */
function readZipEntry(bytes, entry) {
    const where = `entry "${entry.displayName}"`;
    const { method, compressedSize, uncompressedSize } = entry;
    if (entry.encrypted)
        throw new ZipError(`${where} is encrypted; archives must not be encrypted`);
    if (method !== 0 && method !== 8) {
        const known = METHOD_NAMES[method] === undefined ? '' : ` (${METHOD_NAMES[method]})`;
        throw new ZipError(`${where} uses compression method ${method}${known}; only 0 (stored) and 8 (deflate) are supported`);
    }
    if (uncompressedSize > ZIP_MAX_ENTRY_UNCOMPRESSED) {
        throw new ZipError(`${where} declares ${uncompressedSize} bytes uncompressed, over the limit of ${(0,units/* mib */.jO)(ZIP_MAX_ENTRY_UNCOMPRESSED)}`);
    }
    if (uncompressedSize > ZIP_RATIO_MIN_SIZE && uncompressedSize > compressedSize * ZIP_MAX_RATIO) {
        throw new ZipError(`${where} looks like a zip bomb: ${compressedSize} bytes declared to expand to ${uncompressedSize} ` +
            `(over ${ZIP_MAX_RATIO} times)`);
    }
    const { start, end } = locateData(new Reader(bytes), entry);
    const stored = bytes.subarray(start, end);
    const data = method === 0 ? stored : inflate(stored, uncompressedSize, where);
    if (data.byteLength !== uncompressedSize) {
        const verb = method === 0 ? 'holds' : 'inflates to';
        throw new ZipError(`${where} ${verb} ${data.byteLength} bytes, but the archive declares ${uncompressedSize}`);
    }
    const actual = (0,external_node_zlib_.crc32)(data) >>> 0;
    if (actual !== entry.crc32) {
        throw new ZipError(`${where} fails its CRC-32 check: the archive declares ${hex32(entry.crc32)}, the data gives ${hex32(actual)}`);
    }
    return data;
}
/** Little-endian reads; callers check bounds first. */
class Reader {
    bytes;
    view;
    constructor(bytes) {
        this.bytes = bytes;
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    u16(at) {
        return this.view.getUint16(at, true);
    }
    u32(at) {
        return this.view.getUint32(at, true);
    }
}
/** The end record: searched backwards, it must end exactly at the end of the file and be the only one that does. */
function findEndRecord(reader) {
    const length = reader.bytes.byteLength;
    const found = [];
    let mismatched;
    for (let p = length - 22; p >= 0 && p >= length - ZIP_EOCD_SEARCH_BYTES; p--) {
        if (reader.bytes[p] !== 0x50 || reader.u32(p) !== END)
            continue;
        if (p + 22 + reader.u16(p + 20) === length)
            found.push(p);
        else
            mismatched ??= p;
    }
    if (found.length > 1) {
        throw new ZipError('the archive has two end of central directory records (one in the comment); refusing an ambiguous archive');
    }
    if (found[0] !== undefined)
        return found[0];
    if (mismatched !== undefined) {
        throw corrupt(`its end record (offset ${mismatched}) does not match the file's length: the archive is truncated or has data appended`);
    }
    throw corrupt('no end of central directory record: the archive is truncated or not a zip file');
}
function readCentralRecord(reader, p) {
    const [flags, method] = [reader.u16(p + 8), reader.u16(p + 10)];
    const [nameLength, extraLength] = [reader.u16(p + 28), reader.u16(p + 30)];
    const nameBytes = reader.bytes.subarray(p + 46, p + 46 + nameLength);
    const name = decodeName(nameBytes, flags);
    const record = {
        name,
        displayName: (0,safe_text/* safeText */.Hk)(name),
        method,
        compressedSize: reader.u32(p + 20),
        uncompressedSize: reader.u32(p + 24),
        crc32: reader.u32(p + 16),
        encrypted: (flags & (ENCRYPTED | STRONG_ENCRYPTION)) !== 0 || method === AES_METHOD,
        isDirectory: name.endsWith('/'),
        kind: entryKind(name, reader.u16(p + 4) >>> 8, reader.u32(p + 38)),
        localHeaderOffset: reader.u32(p + 42),
        unsafeName: isUnsafeName(name),
        flags,
        nameBytes,
    };
    const where = `entry "${record.displayName}"`;
    const extra = extraFields(reader.bytes.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    const sizes = [record.compressedSize, record.uncompressedSize, record.localHeaderOffset];
    if (extra.has(ZIP64_EXTRA) || sizes.includes(0xffffffff))
        throw new ZipError(`${where} ${ZIP64}`);
    if (reader.u16(p + 34) !== 0) {
        throw new ZipError(`${where} starts on another disk; split or spanned zips are not supported`);
    }
    // Info-ZIP's Unicode Path field (version, CRC-32 of the header name, UTF-8 name): some readers prefer it.
    const unicodePath = extra.get(UNICODE_PATH_EXTRA);
    const unicodeName = unicodePath && new TextDecoder('utf-8', { ignoreBOM: true }).decode(unicodePath.subarray(5));
    if (unicodePath && (unicodePath.byteLength < 5 || unicodeName !== name)) {
        throw new ZipError(`${where} carries a different name in its Unicode Path extra field; refusing an ambiguous archive`);
    }
    return record;
}
function checkNamesAndTotal(records) {
    const names = new Set();
    let total = 0;
    for (const record of records) {
        if (names.has(record.name)) {
            throw new ZipError(`the archive holds two entries named "${record.displayName}"; refusing an ambiguous archive`);
        }
        names.add(record.name);
        total += record.uncompressedSize;
    }
    if (total > ZIP_MAX_TOTAL_UNCOMPRESSED) {
        const largest = records.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
        throw new ZipError(`the archive's entries declare ${total} bytes uncompressed in total, ` +
            `over the limit of ${(0,units/* mib */.jO)(ZIP_MAX_TOTAL_UNCOMPRESSED)} ` +
            `(largest: entry "${largest.displayName}", ${largest.uncompressedSize} bytes)`);
    }
}
/**
 * Every byte before the central directory belongs to exactly one entry, in order, with no gaps
 * (where a streaming reader would find a hidden entry) and no overlaps; each local header agrees
 * with its central record, and each data descriptor with the central sizes.
 */
function checkLayout(reader, records, directoryOffset) {
    let at = 0;
    for (const record of [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset)) {
        const where = `entry "${record.displayName}"`;
        const h = record.localHeaderOffset;
        if (h < at)
            throw corrupt(`${where} overlaps the entry before it`);
        if (h > at) {
            const which = at === 0 ? 'the first' : 'an';
            throw corrupt(`${which} entry is preceded by ${h - at} bytes that belong to no entry (offset ${at})`);
        }
        const data = locateData(reader, record);
        const declared = [record.crc32, record.compressedSize, record.uncompressedSize].join();
        const descriptor = (record.flags & HAS_DESCRIPTOR) !== 0;
        const agrees = sameBytes(reader.bytes.subarray(h + 30, h + 30 + reader.u16(h + 26)), record.nameBytes) &&
            (reader.u16(h + 6) & MEANINGFUL_FLAGS) === (record.flags & MEANINGFUL_FLAGS) &&
            reader.u16(h + 8) === record.method &&
            (descriptor || [reader.u32(h + 14), reader.u32(h + 18), reader.u32(h + 22)].join() === declared);
        if (!agrees) {
            throw corrupt(`${where}: its local header disagrees with the central directory (name, flags, method or sizes)`);
        }
        at = data.end;
        if (descriptor) {
            const signed = at + 4 <= directoryOffset && reader.u32(at) === DESCRIPTOR; // the signature is optional
            const d = signed ? at + 4 : at;
            if (d + 12 > directoryOffset || [reader.u32(d), reader.u32(d + 4), reader.u32(d + 8)].join() !== declared) {
                throw corrupt(`${where}: its data descriptor is missing or disagrees with the central directory`);
            }
            at = d + 12;
        }
        if (at > directoryOffset)
            throw corrupt(`${where} runs into the central directory`);
    }
    if (at !== directoryOffset)
        throw corrupt(`${directoryOffset - at} bytes at offset ${at} belong to no entry`);
}
/** The range of an entry's (compressed) data, after its local header. */
function locateData(reader, entry) {
    const { byteLength } = reader.bytes;
    const p = entry.localHeaderOffset;
    const where = `entry "${entry.displayName}"`;
    if (p + 30 > byteLength || reader.u32(p) !== LOCAL)
        throw corrupt(`${where}: no local header at offset ${p}`);
    const start = p + 30 + reader.u16(p + 26) + reader.u16(p + 28);
    if (start > byteLength) {
        throw corrupt(`${where}: its local header's name and extra field run past the end of the file`);
    }
    const end = start + entry.compressedSize;
    if (end > byteLength)
        throw corrupt(`${where}: its data runs past the end of the file`);
    return { start, end };
}
/** Inflates, never producing more than `declared` bytes: a lying header fails here, not by exhausting memory. */
function inflate(compressed, declared, where) {
    let result;
    try {
        // `info: true` also returns the engine, whose bytesWritten counts the compressed bytes consumed.
        const options = { maxOutputLength: Math.max(1, declared), info: true };
        result = (0,external_node_zlib_.inflateRawSync)(compressed, options);
    }
    catch (error) {
        const { code, message } = error;
        if (code === 'ERR_BUFFER_TOO_LARGE') {
            throw new ZipError(`${where} inflates to more than the ${declared} bytes the archive declares`);
        }
        throw new ZipError(`${where} has corrupt compressed data (${message ?? String(error)})`);
    }
    const unread = compressed.byteLength - result.engine.bytesWritten;
    if (unread !== 0)
        throw new ZipError(`${where} has ${unread} bytes after the end of its compressed data`);
    return result.buffer;
}
/** Extra fields by id; a malformed list counts as corruption. */
function extraFields(extra) {
    const fields = new Map();
    for (let p = 0; p < extra.byteLength;) {
        const length = p + 4 > extra.byteLength ? Infinity : (extra[p + 2] ?? 0) | ((extra[p + 3] ?? 0) << 8);
        if (p + 4 + length > extra.byteLength)
            throw corrupt('an extra field is truncated');
        fields.set((extra[p] ?? 0) | ((extra[p + 1] ?? 0) << 8), extra.subarray(p + 4, p + 4 + length));
        p += 4 + length;
    }
    return fields;
}
function decodeName(bytes, flags) {
    const cp437 = Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH.charAt(b - 0x80)));
    if ((flags & UTF8_NAME) === 0)
        return cp437.join('');
    try {
        return utf8.decode(bytes);
    }
    catch {
        throw new ZipError(`an entry name flagged as UTF-8 is not valid UTF-8 (as CP437: "${(0,safe_text/* safeText */.Hk)(cp437.join(''))}")`);
    }
}
function isUnsafeName(name) {
    const absolute = name.startsWith('/') || /^[A-Za-z]:/.test(name);
    return name === '' || absolute || name.includes('\\') || (0,safe_text/* hasUnshowableChars */.ud)(name) || name.split('/').includes('..');
}
/** Hosts whose external attributes carry a Unix mode in their upper 16 bits: Unix, and OS X. */
const UNIX_HOSTS = new Set([3, 19]);
const [S_IFMT, S_IFREG, S_IFDIR, S_IFLNK] = [0o170000, 0o100000, 0o040000, 0o120000];
const MSDOS_DIRECTORY = 0x10;
function entryKind(name, host, external) {
    const named = name.endsWith('/') ? 'directory' : 'file';
    const mode = UNIX_HOSTS.has(host) ? (external >>> 16) & S_IFMT : 0;
    const given = mode === 0 ? ((external & MSDOS_DIRECTORY) !== 0 ? 'directory' : named) : mode === S_IFREG ? 'file' : mode === S_IFDIR ? 'directory' : mode === S_IFLNK ? 'symlink' : 'other';
    if (given === 'symlink' || given === 'other')
        return given;
    return given === named ? given : 'other';
}
function sameBytes(a, b) {
    return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}
function corrupt(what) {
    return new ZipError(`the archive is corrupt: ${what}`);
}
function hex32(n) {
    return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

// EXTERNAL MODULE: ./src/schemas/operations.ts
var operations = __webpack_require__(44820);
// EXTERNAL MODULE: ./src/dfns/errors.ts
var errors = __webpack_require__(31142);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(46752);
// EXTERNAL MODULE: ./src/base/errors.ts
var base_errors = __webpack_require__(34758);
;// CONCATENATED MODULE: ./src/dfns/http.ts
/**
 * The one place that sends HTTP requests to Dfns: base URL, headers, timeouts under the
 * overall deadline, proxies from the environment, and one kept-alive connection for all calls.
 *
 * Whether a failed request may have reached Dfns is decided by watching it, not by guessing
 * from error codes: a request fails "not sent" only when no byte of it was handed to a socket
 * (the connection, the proxy tunnel or the TLS handshake failed first). Anything later counts
 * as sent, because Dfns may have received it.
 */






/** Per-call limits; each is further capped by what is left of the overall deadline. */
const CONNECT_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 30_000;
const BODY_TIMEOUT_MS = 30_000;
/** Answers larger than this are cut (Dfns answers are small JSON documents). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Bytes of an answer past its cap that are read (and dropped) to say how large it was. */
const MAX_COUNTED_BEYOND_CAP = 16 * 1024 * 1024;
/** Error codes of a TLS certificate the runner does not trust. */
const CERTIFICATE_CODES = new Set([
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
class DfnsTransport {
    #options;
    #dispatcher;
    /** A call was given up while undici still held it: closing must not wait for it. */
    #abandoned = false;
    /** Requests made so far, by call. */
    #attempts = {};
    constructor(options) {
        this.#options = options;
        // Honours https_proxy / HTTPS_PROXY, http_proxy / HTTP_PROXY and no_proxy / NO_PROXY; without
        // them a plain agent. Through a proxy, https is tunnelled with CONNECT.
        this.#dispatcher = new undici/* EnvHttpProxyAgent */.J2({
            connections: 1,
            pipelining: 1,
            keepAliveTimeout: 30_000,
            connect: { timeout: CONNECT_TIMEOUT_MS },
            // The connections a proxy agent opens (to the proxy, and TLS through the tunnel).
            connectTimeout: CONNECT_TIMEOUT_MS,
        });
    }
    get deadline() {
        return this.#options.deadline;
    }
    /**
     * POSTs to Dfns and reads the whole answer: `body` is a small JSON text, or a streamed body.
     * Throws DfnsNetworkError or DfnsDeadlineError.
     */
    async post(call, path, body, extraHeaders = {}, answerOptions = {}) {
        const remaining = this.#options.deadline - Date.now();
        if (remaining <= 0)
            throw new errors/* DfnsDeadlineError */.OT(call, this.#options.timeoutSeconds, false);
        const started = Date.now();
        const attempt = (this.#attempts[call] = (this.#attempts[call] ?? 0) + 1);
        const record = (httpStatus, networkError) => this.#options.onRequest?.({
            call,
            attempt,
            at: new Date(started).toISOString(),
            durationMs: Date.now() - started,
            httpStatus,
            networkError,
        });
        const headers = {
            authorization: `Bearer ${this.#options.token}`,
            'user-agent': this.#options.userAgent,
            accept: answerOptions.accept ?? 'application/json',
            ...extraHeaders,
        };
        let payload;
        if (typeof body === 'string') {
            headers['content-type'] = 'application/json';
            payload = body;
        }
        else {
            headers['content-type'] = body.contentType;
            headers['content-length'] = String(body.byteLength);
            // A fresh stream for each attempt, which encodes (or hands over) one chunk at a time.
            payload = external_node_stream_.Readable.from(body.chunks(), { objectMode: false });
        }
        // The deadline. undici only notices an aborted signal once the request has a connection, so
        // the wait below also ends on it: a connect or a proxy that never answers cannot outlast it.
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(), remaining);
        const signal = deadline.signal;
        const progress = { started: false };
        let headersReceived = false;
        try {
            const answer = await untilAborted((0,undici/* request */.Em)(new URL(path, this.#options.apiUrl), {
                method: 'POST',
                headers,
                body: payload,
                dispatcher: this.#dispatcher.compose(trackProgress(progress)),
                headersTimeout: Math.min(HEADERS_TIMEOUT_MS, remaining),
                bodyTimeout: Math.min(BODY_TIMEOUT_MS, remaining),
                signal,
            }), signal, () => {
                this.#abandoned = true;
            });
            headersReceived = true;
            const { bytes, truncated, seen } = await readCapped(answer.body, answerOptions.maxAnswerBytes ?? MAX_ANSWER_BYTES);
            // undici returns the socket to its pool one macrotask after the body ends; waiting for it
            // lets the next call reuse this connection instead of opening a second one.
            await new Promise((resolve) => setImmediate(resolve));
            record(answer.statusCode, null);
            const bodyText = bytes.subarray(0, MAX_ANSWER_BYTES).toString('utf8');
            return { status: answer.statusCode, statusText: '', headers: answer.headers, bodyText, bodyBytes: bytes, truncated, bodyBytesSeen: seen };
        }
        catch (error) {
            const sent = progress.started;
            // A per-call timeout that fires with the deadline is the deadline.
            if (signal.aborted || Date.now() >= this.#options.deadline) {
                record(null, `the timeout-seconds deadline (${this.#options.timeoutSeconds} s) ran out`);
                throw new errors/* DfnsDeadlineError */.OT(call, this.#options.timeoutSeconds, sent);
            }
            const { detail, final } = describeNetworkError(error, headersReceived, this.#options.apiUrl);
            record(null, detail);
            throw new errors/* DfnsNetworkError */.QH(call, sent, detail, { cause: error, final });
        }
        finally {
            clearTimeout(timer);
        }
    }
    async close() {
        // close() waits for requests in flight; one given up at the deadline may never end.
        if (this.#abandoned)
            await this.#dispatcher.destroy();
        else
            await this.#dispatcher.close();
    }
}
/**
 * The body's bytes up to `cap`; past it the rest is counted and dropped (up to
 * MAX_COUNTED_BEYOND_CAP more, then no longer read), and `truncated` says so.
 */
async function readCapped(body, cap) {
    const chunks = [];
    let seen = 0;
    for await (const chunk of body) {
        seen += chunk.byteLength;
        if (seen <= cap)
            chunks.push(chunk);
        else if (seen > cap + MAX_COUNTED_BEYOND_CAP) {
            body.destroy();
            break;
        }
    }
    const kept = Buffer.concat(chunks);
    return { bytes: kept, truncated: seen > cap, seen };
}
/** Resolves or rejects as `promise` does, or rejects as soon as `signal` aborts. */
function untilAborted(promise, signal, onAbandon) {
    return new Promise((resolve, reject) => {
        const onAbort = () => {
            onAbandon();
            reject(new Error('internal: the deadline ran out before undici gave up'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
}
/**
 * An interceptor that records when the request starts being written: undici calls
 * onRequestStart right before it writes the request line, and not at all when the connection,
 * the proxy tunnel or the TLS handshake failed first. A request aborted at that point (the
 * deadline ran out while connecting) is not written either.
 */
function trackProgress(progress) {
    return (dispatch) => (options, handler) => dispatch(options, {
        onRequestStart(controller, context) {
            handler.onRequestStart?.(controller, context);
            if (!controller.aborted)
                progress.started = true;
        },
        onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
        onResponseStart: (controller, statusCode, headers, statusMessage) => handler.onResponseStart?.(controller, statusCode, headers, statusMessage),
        onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
        onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
        onBodySent: (chunk) => handler.onBodySent?.(chunk),
        onRequestSent: () => handler.onRequestSent?.(),
    });
}
function errorCode(error) {
    let current = error;
    for (let i = 0; i < 5 && current instanceof Error; i++) {
        const code = current.code;
        if (typeof code === 'string' && code !== 'UND_ERR_SOCKET')
            return code;
        current = current.cause;
    }
    return typeof error.code === 'string' ? error.code : undefined;
}
/** Proxy answers to CONNECT that repeating the request cannot change: refused, or credentials wanted. */
const FINAL_TUNNEL_STATUSES = new Set(['403', '407']);
/**
 * What the log says of a network failure, and whether it is `final`: a configuration problem
 * (a certificate the runner does not trust, a proxy that refuses the tunnel or wants credentials)
 * that repeating the request cannot fix, so it is not retried.
 */
function describeNetworkError(error, headersReceived, apiUrl) {
    const code = errorCode(error);
    const message = (0,safe_text/* safeText */.Hk)((0,base_errors/* messageOf */.b)(error), 300);
    // undici's words for a proxy that would not open the tunnel.
    const tunnel = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling$/.exec(message);
    if (tunnel) {
        const status = tunnel[1];
        return {
            detail: `the proxy answered ${status} to CONNECT ${apiUrl.host} instead of opening a tunnel; ` +
                (status === '407' ? 'it wants credentials: put them in the proxy URL (http://user:password@proxy:port); ' : '') +
                'check HTTPS_PROXY (or https_proxy) and NO_PROXY',
            final: FINAL_TUNNEL_STATUSES.has(status),
        };
    }
    if (code !== undefined && CERTIFICATE_CODES.has(code)) {
        return {
            detail: `${message}${message.includes(code) ? '' : ` (${code})`}: the TLS certificate presented for ${apiUrl.host} is not trusted. ` +
                'Behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate',
            final: true,
        };
    }
    const stage = headersReceived ? ' while reading the answer' : '';
    return { detail: `${message}${code && !message.includes(code) ? ` (${code})` : ''}${stage}`, final: false };
}
/** "3.2 MiB (3355443 bytes), over the 1 MiB", or "over 17 MiB, over the 1 MiB" when the count stopped: how large a cut answer was. */
function describeOversize(answer, cap) {
    const counted = answer.bodyBytesSeen > cap + MAX_COUNTED_BEYOND_CAP ? `more than ${(0,units/* mib */.jO)(cap + MAX_COUNTED_BEYOND_CAP)}` : (0,units/* size */.Ej)(answer.bodyBytesSeen);
    return `${counted}, over the ${(0,units/* mib */.jO)(cap)}`;
}

// EXTERNAL MODULE: ./src/schemas/violations.ts
var violations = __webpack_require__(69518);
// EXTERNAL MODULE: ./src/schemas/zod.ts + 11 modules
var zod = __webpack_require__(59894);
// EXTERNAL MODULE: ./src/base/secrets.ts
var secrets = __webpack_require__(75460);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./src/dfns/body.ts
/**
 * The request bodies that carry the output: the init request's JSON (the data part, escaped
 * as the `userActionPayload` string) and the multipart submission (the data part and the
 * file). Both are written as streams of chunks, produced as the socket takes them, from the
 * data part's slices (see data-part.ts) and the file's own bytes: no whole copy of the output
 * is made, in either encoding, for any attempt.
 *
 * The multipart body is byte for byte what undici's FormData writes for the same fields, and
 * the init body what JSON.stringify writes for the same object (tests compare them).
 */

/**
 * `JSON.stringify({ userActionPayload, userActionHttpMethod, userActionHttpPath,
 * userActionServerKind })`, with the payload escaped a slice at a time as it is sent. Its
 * length is counted up front without escaping (see escapedByteLength).
 */
function initBody(payload, httpPath) {
    const head = Buffer.from('{"userActionPayload":"');
    const tail = Buffer.from(`",${JSON.stringify({ userActionHttpMethod: 'POST', userActionHttpPath: httpPath, userActionServerKind: 'Api' }).slice(1)}`);
    let byteLength = head.byteLength + tail.byteLength;
    for (const slice of payload.slices())
        byteLength += escapedByteLength(slice);
    return {
        contentType: 'application/json',
        byteLength,
        *chunks() {
            yield head;
            for (const escaped of escapedSlices(payload))
                yield Buffer.from(escaped);
            yield tail;
        },
    };
}
/** Characters JSON.stringify writes otherwise than as their UTF-8: controls, and surrogates (lone ones escaped). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_PLAIN = /[\u0000-\u001f\ud800-\udfff]/;
/**
 * Bytes of `JSON.stringify(slice)` between its quotes. A slice of plain characters (as a keystore
 * output's text is) only has its quotes and backslashes escaped, one byte more each: they are
 * counted. Any other slice is escaped to be measured.
 */
function escapedByteLength(slice) {
    if (NOT_PLAIN.test(slice))
        return Buffer.byteLength(JSON.stringify(slice)) - 2;
    return Buffer.byteLength(slice) + occurrences(slice, '"') + occurrences(slice, '\\');
}
function occurrences(text, char) {
    let n = 0;
    for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1))
        n++;
    return n;
}
/** Each slice as JSON.stringify escapes it inside a string (slices never split a surrogate pair). */
function* escapedSlices(text) {
    for (const slice of text.slices())
        yield JSON.stringify(slice).slice(1, -1);
}
/**
 * The submission's `multipart/form-data` body, with a boundary from `nextBoundary` that occurs
 * in neither part (with 96 random bits it never does, and that is checked rather than assumed).
 */
function multipartBody(parts, nextBoundary = randomBoundary) {
    const file = asBuffer(parts.file.bytes);
    let chosen = nextBoundary();
    for (let tries = 1; occursInText(parts.data, chosen) || file.includes(chosen); tries++) {
        if (tries >= 10)
            throw new Error('internal: no multipart boundary found that occurs in neither part');
        chosen = nextBoundary();
    }
    const head = (disposition, type) => Buffer.from(`--${chosen}\r\nContent-Disposition: form-data; ${disposition}\r\n${type === undefined ? '' : `Content-Type: ${type}\r\n`}\r\n`);
    const dataHead = head('name="data"');
    const fileHead = Buffer.concat([
        Buffer.from('\r\n'),
        head(`name="file"; filename="${escapeName(parts.file.name)}"`, parts.file.type),
    ]);
    const tail = Buffer.from(`\r\n--${chosen}--\r\n`);
    return {
        contentType: `multipart/form-data; boundary=${chosen}`,
        byteLength: dataHead.byteLength + parts.data.byteLength + fileHead.byteLength + file.byteLength + tail.byteLength,
        *chunks() {
            yield dataHead;
            for (const slice of parts.data.slices())
                yield Buffer.from(slice);
            yield fileHead;
            yield file;
            yield tail;
        },
    };
}
/**
 * Whether `boundary` occurs in the text, also across two slices; a line break in it is a bug of
 * the caller (form encoding would rewrite it, and the part would differ from the signed payload).
 */
function occursInText(text, boundary) {
    let carry = '';
    for (const slice of text.slices()) {
        if (slice.includes('\n') || slice.includes('\r')) {
            throw new Error('internal: the data part holds a line break, which form encoding would rewrite');
        }
        const edge = boundary.length - 1; // a boundary across two slices has at most this much in each
        if (slice.includes(boundary) || (carry + slice.slice(0, edge)).includes(boundary))
            return true;
        carry = edge > 0 ? slice.slice(-edge) : '';
    }
    return false;
}
/** The shape of undici's boundaries (`----formdata-undici-` and a number), with random hex. */
function randomBoundary() {
    return `----formdata-dfns-${randomBytes(12).toString('hex')}`;
}
/** A Buffer over the same memory (for its memchr-based search), not a copy. */
function asBuffer(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
/** A file name in a Content-Disposition header, escaped as the WHATWG FormData encoding does. */
function escapeName(name) {
    return name.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

;// CONCATENATED MODULE: ./src/dfns/retry.ts
/**
 * The retry policy, in one place.
 *
 * - `/auth/action/init` and `/auth/action` change nothing on the server: they are retried on
 *   network errors, 429 and 5xx.
 * - The submission is retried only when it provably was not processed: the connection failed
 *   before the request was sent, or Dfns answered 429 or 503. Every retry starts again from a
 *   fresh challenge, because user action tokens are single use.
 * - 400, 401, 403, 404 and 409 are never retried; nor are an untrusted TLS certificate and a
 *   proxy that refuses the tunnel (403) or wants credentials (407): repeating cannot fix them.
 * - `Retry-After` (seconds or an HTTP date) is honoured, but never past the deadline.
 */

/** Attempts of one idempotent call (init, action), the first included. */
const MAX_CALL_ATTEMPTS = 4;
/** Attempts of the whole challenge-sign-submit sequence, the first included. */
const MAX_SUBMIT_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;
const IDEMPOTENT_RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Statuses that mean a change (a submission, an input's creation) was not processed. */
const CHANGE_RETRY_STATUSES = new Set([429, 503]);
const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether a failed call may be repeated without risking a second effect. */
function isRetryable(call, error) {
    // An error of another call (e.g. an init that failed for good inside the submit loop) is final here.
    if ((error instanceof errors/* DfnsApiError */.OV || error instanceof errors/* DfnsNetworkError */.QH) && error.call !== call)
        return false;
    if (error instanceof errors/* DfnsApiError */.OV) {
        return ((0,errors/* isChange */.Xb)(call) ? CHANGE_RETRY_STATUSES : IDEMPOTENT_RETRY_STATUSES).has(error.status);
    }
    if (error instanceof errors/* DfnsNetworkError */.QH)
        return !error.final && ((0,errors/* isChange */.Xb)(call) ? !error.sent : true);
    return false;
}
/** Full-jitter exponential backoff for attempt n (1-based), or the server's Retry-After. */
function retryDelayMs(attempt, error, random = Math.random) {
    if (error instanceof errors/* DfnsApiError */.OV && error.retryAfterMs !== undefined)
        return error.retryAfterMs;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
/** Parses a Retry-After header: delta seconds or an HTTP date. */
function parseRetryAfter(value, now = Date.now()) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === '')
        return undefined;
    if (/^\s*\d+\s*$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/**
 * Runs `attempt` until it succeeds, fails for good, runs out of attempts, or the next wait
 * would end past the deadline (then the last error is thrown).
 */
async function withRetries(call, maxAttempts, context, attempt) {
    for (let n = 1;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            if (n >= maxAttempts || !isRetryable(call, error))
                throw error;
            const delay = retryDelayMs(n, error);
            if (Date.now() + delay >= context.deadline) {
                context.onDeadline?.(call, n, delay, error);
                throw error;
            }
            context.onRetry(call, n, delay, error, maxAttempts);
            await context.sleep(delay);
        }
    }
}

;// CONCATENATED MODULE: ./src/dfns/signed-change.ts
/**
 * A change at Dfns as a service account (submitting an output, creating an input): create the
 * user action challenge for the exact request, sign it with the service account key, exchange it
 * for a single-use user action token, then send the request with it, all under the retry policy
 * (a fresh challenge for every attempt of the change). Every answer is checked with zod.
 */









const nonEmpty = () => zod/* string */.Yj().check(zod/* minLength */.Bp(1, { error: 'must not be empty' }));
const ChallengeAnswer = zod/* looseObject */._H({
    challenge: nonEmpty(),
    challengeIdentifier: nonEmpty(),
    allowCredentials: zod/* looseObject */._H({
        key: zod/* array */.YO(zod/* looseObject */._H({ type: zod/* string */.Yj(), id: zod/* string */.Yj() })),
    }),
});
const UserActionAnswer = zod/* looseObject */._H({ userAction: nonEmpty() });
/** What a change's retry lines say was not done. */
const NOT_DONE = { submit: 'Nothing was submitted', create: 'No input was created' };
/** The service account's credential is not one the token's user may sign with. */
class CredentialMismatchError extends base_errors/* ActionError */.l {
    name = 'CredentialMismatchError';
    title = 'Credential not accepted';
}
/** Makes `change` as the service account, under the retry policy; the answer, and after how many sequences. */
async function signedChange(req, change) {
    const transport = new DfnsTransport({
        apiUrl: req.apiUrl,
        token: req.token,
        userAgent: req.userAgent,
        deadline: req.deadline,
        timeoutSeconds: req.timeoutSeconds,
        ...(req.onRequest ? { onRequest: req.onRequest } : {}),
    });
    const retry = {
        deadline: req.deadline,
        sleep: req.sleep ?? realSleep,
        onRetry: (call, attempt, delayMs, error, maxAttempts) => req.log.warning(`Dfns ${call} attempt ${attempt} of ${maxAttempts} failed: ${retryReason(error)}. ` +
            (call === change.call ? `${NOT_DONE[change.call]}: retrying from a fresh challenge` : 'Retrying') +
            ` in ${seconds(delayMs)}${askedBy(error)}.`, 'Dfns call retried'),
        onDeadline: (call, attempt, delayMs, error) => req.log.info(`Dfns ${call} attempt ${attempt} failed: ${retryReason(error)}. Not retried: waiting ${seconds(delayMs)}` +
            `${askedBy(error)} would pass the timeout-seconds deadline (${req.timeoutSeconds} s).`),
    };
    // The challenge's body carries the payload: written a slice at a time by every attempt (body.ts).
    const init = initBody(change.payload, change.path);
    try {
        return await withRetries(change.call, MAX_SUBMIT_ATTEMPTS, retry, async (attempt) => {
            if (req.progress)
                req.progress.attempts = attempt;
            const challenge = await withRetries('init', MAX_CALL_ATTEMPTS, retry, () => initChallenge(transport, req, init, change.fileBytes));
            const userAction = await withRetries('action', MAX_CALL_ATTEMPTS, retry, () => signChallenge(transport, req, challenge));
            // Masked in the log, and taken out of every text by the gate: a server may echo it.
            (0,secrets/* keepSecret */.gz)(userAction, req.setSecret);
            return { ...(await change.send(transport, userAction)), attempts: attempt };
        });
    }
    catch (error) {
        // The stack, with undici's own error beneath, for a run with debug logging.
        req.log.debug(`Dfns call failed: ${(0,safe_text/* safeLines */.Bv)(stackOf(error))}`);
        throw error;
    }
    finally {
        await transport.close();
    }
}
async function initChallenge(transport, req, body, fileBytes) {
    const sizes = fileBytes === undefined ? undefined : { request: body.byteLength, file: fileBytes };
    const answer = expectOk('init', req, await transport.post('init', '/auth/action/init', body), sizes);
    const challenge = parseAnswer('init', answer, ChallengeAnswer);
    const ids = challenge.allowCredentials.key.map((k) => k.id);
    if (!ids.includes(req.credentialId)) {
        throw new CredentialMismatchError(ids.length === 0
            ? 'the Dfns token accepts no key credential: the service account has no active key credential; register the public key of "dfns-private-key" with the service account'
            : `"dfns-credential-id" (${(0,safe_text/* safeText */.Hk)(req.credentialId, 80)}) is not a key credential of this service account; ` +
                `the token accepts: ${ids.map((id) => (0,safe_text/* safeText */.Hk)(id, 80)).join(', ')}`);
    }
    req.log.debug(`Dfns challenge created; ${ids.length} key credential(s) allowed`);
    return challenge;
}
async function signChallenge(transport, req, challenge) {
    const clientData = Buffer.from(JSON.stringify({ type: 'key.get', challenge: challenge.challenge }), 'utf8');
    const signature = Buffer.from(req.key.sign(clientData));
    const body = JSON.stringify({
        challengeIdentifier: challenge.challengeIdentifier,
        firstFactor: {
            kind: 'Key',
            credentialAssertion: {
                credId: req.credentialId,
                clientData: clientData.toString('base64url'),
                signature: signature.toString('base64url'),
            },
        },
    });
    const answer = expectOk('action', req, await transport.post('action', '/auth/action', body));
    return parseAnswer('action', answer, UserActionAnswer).userAction;
}
/**
 * The answer, when it is a success. `sizes`: of the request answered, and of the output file it
 * carries (the request that carries a file says how large both were, should Dfns answer 413).
 */
function expectOk(call, req, answer, sizes) {
    if (answer.status === 200 || (answer.status === 201 && (call === 'init' || call === 'action')))
        return answer;
    if (answer.status >= 200 && answer.status < 300) {
        throw new errors/* DfnsProtocolError */.cE(call, answer.status, `status ${answer.status} is not a documented answer`, answer.bodyText);
    }
    throw new errors/* DfnsApiError */.OV({
        call,
        status: answer.status,
        statusText: answer.statusText,
        bodyText: answer.bodyText,
        operation: req.operation,
        storeId: req.storeId,
        ...(sizes === undefined ? {} : { sizes }),
        retryAfterMs: parseRetryAfter(answer.headers['retry-after']),
    });
}
function parseAnswer(call, answer, schema) {
    if (answer.truncated) {
        throw new errors/* DfnsProtocolError */.cE(call, answer.status, `the answer is ${describeOversize(answer, MAX_ANSWER_BYTES)}, the most a Dfns answer is read`, answer.bodyText);
    }
    let json;
    try {
        json = JSON.parse(answer.bodyText);
    }
    catch {
        throw new errors/* DfnsProtocolError */.cE(call, answer.status, 'the body is not JSON', answer.bodyText);
    }
    const parsed = schema.safeParse(json, { reportInput: true });
    if (!parsed.success) {
        const problems = (0,violations/* describeIssues */.wF)(parsed.error.issues).slice(0, 3).join('; ');
        throw new errors/* DfnsProtocolError */.cE(call, answer.status, `it does not have the documented shape (${problems})`, answer.bodyText);
    }
    return parsed.data;
}
/** A 202 body describes the approval a Dfns policy asks for; its shape is not documented. */
function describeApproval(bodyText) {
    try {
        const body = zod/* looseObject */._H({ id: zod/* optional */.lq(zod/* string */.Yj()), status: zod/* optional */.lq(zod/* string */.Yj()) }).parse(JSON.parse(bodyText));
        const parts = [body.id && `approval ${(0,safe_text/* safeText */.Hk)(body.id, 80)}`, body.status && `status ${(0,safe_text/* safeText */.Hk)(body.status, 40)}`];
        const known = parts.filter(Boolean).join(', ');
        if (known)
            return known;
    }
    catch {
        // fall through to quoting the body
    }
    return (0,errors/* quoteBody */.jg)(bodyText);
}
/** What a retry line says of the failure: Dfns's answer without the advice meant for a final error. */
function retryReason(error) {
    if (error instanceof errors/* DfnsApiError */.OV)
        return error.summary;
    return (0,base_errors/* messageOf */.b)(error);
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
function askedBy(error) {
    return error instanceof errors/* DfnsApiError */.OV && error.retryAfterMs !== undefined ? ' (as its Retry-After asks)' : '';
}
/** The error's stack and those of its causes, for the debug log. */
function stackOf(error) {
    if (!(error instanceof Error))
        return String(error);
    const parts = [];
    let current = error;
    for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        parts.push(current.stack ?? `${current.name}: ${current.message}`);
        current = current.cause;
    }
    return parts.join('\ncaused by: ');
}

;// CONCATENATED MODULE: ./src/dfns/create-input.ts
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
function createInput(req) {
    const payload = { byteLength: Buffer.byteLength(req.body), slices: () => [req.body] };
    return signedChange(req, {
        call: 'create',
        path: (0,operations/* inputPath */.Mv)(req.storeId, req.operation),
        payload,
        async send(transport, userAction) {
            const answer = await transport.post('create', this.path, req.body, { 'x-dfns-useraction': userAction }, {
                accept: 'application/zip',
                maxAnswerBytes: MAX_INPUT_ARCHIVE_BYTES,
            });
            if (answer.status === 202)
                return { kind: 'pending-approval', httpStatus: 202, detail: describeApproval(answer.bodyText) };
            expectOk('create', req, answer);
            return { kind: 'created', httpStatus: answer.status, ...readArchive(answer) };
        },
    });
}
/**
 * Dfns created the input (so its fleet operation is open at Dfns), but the archive it answered
 * breaks the rules every archive the action handles is held to: it is not written anywhere.
 */
class RefusedArchiveError extends base_errors/* ActionError */.l {
    name = 'RefusedArchiveError';
    title = 'Archive refused';
    get outcome() {
        return 'unknown';
    }
    get changeMade() {
        return true;
    }
}
/** The archive and its entry names, when the answer is a readable zip that follows the rules. Throws DfnsProtocolError or RefusedArchiveError. */
function readArchive(answer) {
    const bytes = answer.bodyBytes;
    const contentType = header(answer, 'content-type');
    const fail = (problem) => {
        throw new errors/* DfnsProtocolError */.cE('create', answer.status, problem, { described: describeBytes(bytes, answer.truncated) });
    };
    if (answer.truncated)
        fail(`the answer is ${describeOversize(answer, MAX_INPUT_ARCHIVE_BYTES)}, the most an input archive is read`);
    if (!isZip(bytes))
        fail(`the answer is not a zip archive (Content-Type ${contentType ? `"${(0,safe_text/* safeText */.Hk)(contentType, 100)}"` : 'none'}, ${(0,units/* size */.Ej)(bytes.byteLength)})`);
    let entries;
    try {
        entries = listZip(bytes);
        for (const entry of entries)
            if (entry.kind === 'file')
                readZipEntry(bytes, entry);
    }
    catch (error) {
        return fail(`the zip archive cannot be read: ${(0,base_errors/* messageOf */.b)(error)}`);
    }
    const refused = describeRefusedEntries(entries);
    if (refused !== undefined)
        throw refuse(`it holds ${refused}`);
    if (!entries.some((entry) => entry.kind === 'file')) {
        throw refuse(`it holds no file${entries.length === 0 ? '' : ` (only folders: ${(0,lists/* listFirst */.r)(entries, 10, (e) => `"${e.displayName}"`)})`}`);
    }
    return { archive: bytes, entries: entries.map((e) => e.name) };
}
function refuse(why) {
    return new RefusedArchiveError(`Dfns created the input (its fleet operation is now open at Dfns), but the archive it answered is refused, and nothing was ` +
        `written: ${why}. An archive is carried to the fleet's machines, which extract it: only regular files with plain relative ` +
        'names are accepted. Do not re-run this workflow for it: report the archive to Dfns support');
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
    return `${(0,safe_text/* safeQuoted */.OO)(head.toString('utf8'), DESCRIBED_BYTES)}${more} (bytes ${hex}${bytes.byteLength > 8 ? ' …' : ''})`;
}


/***/ })

};
