/*
 * crypto agent: plaintext before app-level encryption, hashing and encoding.
 *
 * Hooks (app callers only: calls made by the platform's own TLS, jar verification etc. are
 * skipped by looking at the first frame below the hooked class):
 * - javax.crypto.Cipher init (mode per instance), update/doFinal byte[] overloads: input,
 *   output, algorithm, op (encrypt|decrypt|wrap|unwrap). ByteBuffer overloads are left alone
 *   (that is where JSSE encrypts TLS records).
 * - javax.crypto.spec.SecretKeySpec(byte[], String): the key bytes (to decrypt traffic later).
 * - java.security.MessageDigest update (all byte forms) / digest() / digest(byte[],int,int)
 *   / reset: the whole hashed input and the digest.
 * - javax.crypto.Mac doFinal: input and MAC.
 * - android.util.Base64 and java.util.Base64 encoders/decoders, java.util.zip.GZIPOutputStream.write.
 * - okhttp3.Request$Builder.build: method, URL, headers and (re-playable) body.
 * - App-level encryption entry points (`APP_ENCRYPTORS`, a table): SDK methods that encrypt a
 *   report before it is sent, e.g. ByteDance's `EncryptorUtil.ttEncrypt([BI)[B` (a JNI method):
 *   plaintext and ciphertext, so the analysis can read the body the proxy only sees encrypted.
 *
 * Sends: hook:crypto {api, algorithm, op, phase, input, output, cipher}, hook:digest {api,
 * algorithm, input, digest}, hook:encode {api, op, input, output}, hook:http {api, method, url,
 * headers, body}; each with thread, tid, stack. App-level encryption: hook:crypto {api, algorithm,
 * op: "encrypt", phase: "final", app_level: true, input, output}.
 */
import Java from "frida-java-bridge";
import { exportRpc, Fields, settings } from "../common/runtime.js";
import { Call, identity, installJavaHooks, javaBytes, javaContext, JavaHook, javaString, JObject, whenJavaReady } from "../common/java/hooks.js";

const MODES: { [k: number]: string } = { 1: "encrypt", 2: "decrypt", 3: "wrap", 4: "unwrap" };
const MAX_TRACKED = 2048;
const cipherModes = new Map<number, number>();
const digestInput = new Map<number, Uint8Array[]>();

function id(obj: JObject): number {
    return identity(javaContext(Java), obj);
}

function bounded<K, V>(m: Map<K, V>): Map<K, V> {
    if (m.size > MAX_TRACKED) {
        m.clear();
    }
    return m;
}

function concat(parts: Uint8Array[]): Uint8Array {
    let n = 0;
    for (const p of parts) {
        n += p.length;
    }
    const out = new Uint8Array(Math.min(n, settings.maxBytes));
    let at = 0;
    for (const p of parts) {
        if (at >= out.length) {
            break;
        }
        const take = Math.min(p.length, out.length - at);
        out.set(p.subarray(0, take), at);
        at += take;
    }
    return out;
}

// ---- Cipher --------------------------------------------------------------------------------

/** (input, output) of one update/doFinal overload, from its arguments and result. */
function cipherIo(sig: string, call: Call): { input: Uint8Array | null; output: Uint8Array | null } {
    const a = call.args;
    const J = Java;
    switch (sig) {
        case "":
            return { input: null, output: javaBytes(J, call.ret) };
        case "[B":
            return { input: javaBytes(J, a[0]), output: javaBytes(J, call.ret) };
        case "[B,int,int":
            return { input: javaBytes(J, a[0], a[1], a[2]), output: javaBytes(J, call.ret) };
        case "[B,int,int,[B":
            return { input: javaBytes(J, a[0], a[1], a[2]), output: javaBytes(J, a[3], 0, call.ret as number) };
        case "[B,int,int,[B,int":
            return { input: javaBytes(J, a[0], a[1], a[2]), output: javaBytes(J, a[3], a[4], call.ret as number) };
        case "[B,int":
            return { input: null, output: javaBytes(J, a[0], a[1], call.ret as number) };
        default:
            return { input: null, output: null };
    }
}

function cipherHook(method: "update" | "doFinal", sig: string[]): JavaHook {
    const key = sig.join(",");
    return {
        cls: "javax.crypto.Cipher", method, overloads: [sig], type: "hook:crypto", api: `Cipher.${method}`,
        group: "cipher", appCallersOnly: true,
        record: (call) => {
            const { input, output } = cipherIo(key, call);
            const cid = id(call.self);
            const op = MODES[cipherModes.get(cid) ?? 0] ?? "unknown";
            const fields: Fields = {
                algorithm: javaString(call.self.getAlgorithm()), op,
                phase: method === "doFinal" ? "final" : "update", cipher: cid,
            };
            if (input !== null) {
                fields.input = input;
            }
            if (output !== null) {
                fields.output = output;
            }
            return fields;
        },
    };
}

const CIPHER_SIGS: string[][] = [[], ["[B"], ["[B", "int", "int"], ["[B", "int", "int", "[B"], ["[B", "int", "int", "[B", "int"]];

const CIPHER_HOOKS: JavaHook[] = [
    {
        cls: "javax.crypto.Cipher", method: "init", type: "hook:crypto", api: "Cipher.init", group: "cipher-init", withStack: false,
        record: (call) => {
            bounded(cipherModes).set(id(call.self), call.args[0] as number);
            return null;
        },
    },
    ...CIPHER_SIGS.filter((s) => s.length > 0).map((s) => cipherHook("update", s)),
    ...CIPHER_SIGS.map((s) => cipherHook("doFinal", s)),
    cipherHook("doFinal", ["[B", "int"]),
    {
        cls: "javax.crypto.spec.SecretKeySpec", method: "$init", type: "hook:crypto", api: "SecretKeySpec", appCallersOnly: true,
        overloads: [["[B", "java.lang.String"], ["[B", "int", "int", "java.lang.String"]],
        record: (call) => {
            const a = call.args;
            const key = a.length === 2 ? javaBytes(Java, a[0]) : javaBytes(Java, a[0], a[1], a[2]);
            return { op: "key", algorithm: javaString(a[a.length - 1]), key };
        },
    },
    {
        cls: "javax.crypto.Mac", method: "doFinal", type: "hook:digest", api: "Mac.doFinal", group: "mac", appCallersOnly: true,
        overloads: [[], ["[B"]],
        record: (call) => ({
            algorithm: javaString(call.self.getAlgorithm()),
            input: call.args.length === 1 ? javaBytes(Java, call.args[0]) : null,
            digest: javaBytes(Java, call.ret),
        }),
    },
];

// ---- MessageDigest -------------------------------------------------------------------------

function digestUpdate(sig: string[]): JavaHook {
    return {
        cls: "java.security.MessageDigest", method: "update", overloads: [sig], type: "hook:digest", api: "MessageDigest.update",
        group: "digest-update", appCallersOnly: true, withStack: false,
        record: (call) => {
            const a = call.args;
            let chunk: Uint8Array | null = null;
            if (sig[0] === "byte") {
                chunk = new Uint8Array([(a[0] as number) & 0xff]);
            } else if (sig.length === 1) {
                chunk = javaBytes(Java, a[0]);
            } else {
                chunk = javaBytes(Java, a[0], a[1], a[2]);
            }
            if (chunk !== null) {
                const m = bounded(digestInput);
                const key = id(call.self);
                const parts = m.get(key) ?? [];
                parts.push(chunk);
                m.set(key, parts);
            }
            return null;
        },
    };
}

function digestDone(call: Call, digest: Uint8Array | null): Fields {
    const key = id(call.self);
    const parts = digestInput.get(key) ?? [];
    digestInput.delete(key);
    return { algorithm: javaString(call.self.getAlgorithm()), input: concat(parts), digest };
}

const DIGEST_HOOKS: JavaHook[] = [
    digestUpdate(["byte"]),
    digestUpdate(["[B"]),
    digestUpdate(["[B", "int", "int"]),
    {
        cls: "java.security.MessageDigest", method: "digest", overloads: [[]], type: "hook:digest", api: "MessageDigest.digest",
        group: "digest", appCallersOnly: true,
        record: (call) => digestDone(call, javaBytes(Java, call.ret)),
    },
    {
        cls: "java.security.MessageDigest", method: "digest", overloads: [["[B", "int", "int"]], type: "hook:digest", api: "MessageDigest.digest",
        group: "digest", appCallersOnly: true,
        record: (call) => digestDone(call, javaBytes(Java, call.args[0], call.args[1], call.ret as number)),
    },
    {
        cls: "java.security.MessageDigest", method: "reset", type: "hook:digest", api: "MessageDigest.reset", withStack: false,
        record: (call) => {
            digestInput.delete(id(call.self));
            return null;
        },
    },
];

// ---- Encoders ------------------------------------------------------------------------------

function textOrBytes(v: JObject, J: typeof Java): Uint8Array | null {
    if (v === null || v === undefined) {
        return null;
    }
    if (typeof v === "string") {
        return utf8(v);
    }
    return javaBytes(J, v);
}

function utf8(s: string): Uint8Array {
    const bytes: number[] = [];
    for (const ch of unescape(encodeURIComponent(s))) {
        bytes.push(ch.charCodeAt(0));
    }
    return new Uint8Array(bytes);
}

function encodeHook(cls: string, method: string, api: string, op: "encode" | "decode", overloads: string[][]): JavaHook {
    return {
        cls, method, overloads, type: "hook:encode", api, group: "base64", appCallersOnly: true,
        record: (call) => {
            const a = call.args;
            let input: Uint8Array | null;
            if (a.length >= 3 && typeof a[1] === "number" && typeof a[2] === "number") {
                input = javaBytes(Java, a[0], a[1], a[2]);
            } else {
                input = textOrBytes(a[0], Java);
            }
            const out = typeof call.ret === "number" ? javaBytes(Java, a[1], 0, call.ret) : textOrBytes(call.ret, Java);
            return { op, input, output: out };
        },
    };
}

const ENCODE_HOOKS: JavaHook[] = [
    encodeHook("android.util.Base64", "encodeToString", "android.util.Base64.encodeToString", "encode", [["[B", "int"], ["[B", "int", "int", "int"]]),
    encodeHook("android.util.Base64", "encode", "android.util.Base64.encode", "encode", [["[B", "int"], ["[B", "int", "int", "int"]]),
    encodeHook("android.util.Base64", "decode", "android.util.Base64.decode", "decode", [["java.lang.String", "int"], ["[B", "int"], ["[B", "int", "int", "int"]]),
    encodeHook("java.util.Base64$Encoder", "encodeToString", "java.util.Base64.Encoder.encodeToString", "encode", [["[B"]]),
    encodeHook("java.util.Base64$Encoder", "encode", "java.util.Base64.Encoder.encode", "encode", [["[B"]]),
    encodeHook("java.util.Base64$Decoder", "decode", "java.util.Base64.Decoder.decode", "decode", [["java.lang.String"], ["[B"]]),
    {
        cls: "java.util.zip.GZIPOutputStream", method: "write", overloads: [["[B", "int", "int"]], type: "hook:encode",
        api: "GZIPOutputStream.write", group: "gzip", appCallersOnly: true,
        record: (call) => ({ op: "gzip", input: javaBytes(Java, call.args[0], call.args[1], call.args[2]) }),
    },
];

// ---- HTTP request bodies (OkHttp 3/4) ------------------------------------------------------

const HTTP_HOOKS: JavaHook[] = [
    {
        cls: "okhttp3.Request$Builder", method: "build", type: "hook:http", api: "okhttp3.Request.Builder.build",
        record: (call) => {
            const req = call.ret;
            const fields: Fields = {
                method: javaString(req.method()), url: javaString(req.url()), headers: javaString(req.headers()),
            };
            const body = req.body();
            if (body !== null && body !== undefined) {
                fields.content_type = javaString(body.contentType());
                const oneShot = typeof body.isOneShot === "function" ? (body.isOneShot() as boolean) : false;
                const length = body.contentLength() as number;
                if (!oneShot && length >= 0 && length <= settings.maxBytes) {
                    const Buffer = Java.use("okio.Buffer");
                    const buf = Buffer.$new();
                    body.writeTo(buf);
                    fields.body = javaBytes(Java, buf.readByteArray());
                } else {
                    fields.body_skipped = oneShot ? "one-shot body" : `length ${length}`;
                }
            }
            return fields;
        },
    },
];

// ---- App-level encryption entry points -------------------------------------------------------

/**
 * One method an SDK encrypts its reports with before sending them. To add one: the class and
 * method, the overload's argument types, which argument is the plaintext (`input`; byte[] or
 * String) and, when the plaintext is the first `length` bytes of that array, the argument giving
 * the length; the return value must be the ciphertext (byte[] or a Base64 String). `scheme` names
 * the encryption in the event's `algorithm`. Native-only entry points (no Java method) need a
 * native hook instead and are not covered by this table.
 */
export interface AppEncryptor {
    cls: string;
    method: string;
    overload: string[];
    input: number;
    length?: number;
    scheme: string;
    /** Label in events, e.g. `EncryptorUtil.ttEncrypt`. */
    api: string;
}

export const APP_ENCRYPTORS: AppEncryptor[] = [
    // ByteDance AppLog / device registration: ttEncrypt(gzip(JSON)), sent as
    // application/octet-stream;tt-data=a (public reverse engineering of the TikTok app).
    {
        cls: "com.bytedance.frameworks.encryptor.EncryptorUtil", method: "ttEncrypt", overload: ["[B", "int"],
        input: 0, length: 1, scheme: "tt-encrypt", api: "EncryptorUtil.ttEncrypt",
    },
];

function appEncryptorHook(spec: AppEncryptor): JavaHook {
    return {
        cls: spec.cls, method: spec.method, overloads: [spec.overload], type: "hook:crypto", api: spec.api,
        group: "app-encrypt",
        record: (call) => {
            const a = call.args;
            const len = spec.length === undefined ? -1 : (a[spec.length] as number);
            const input = textOrBytes(a[spec.input], Java);
            return {
                algorithm: spec.scheme, op: "encrypt", phase: "final", app_level: true,
                input: input !== null && len >= 0 && len < input.length ? input.subarray(0, len) : input,
                output: textOrBytes(call.ret, Java),
            };
        },
    };
}

exportRpc("crypto", () => {
    whenJavaReady(Java, () => {
        installJavaHooks(Java, [...CIPHER_HOOKS, ...DIGEST_HOOKS, ...ENCODE_HOOKS, ...HTTP_HOOKS,
            ...APP_ENCRYPTORS.map(appEncryptorHook)]);
    });
});
