/*
 * unpin agent: lets the app accept the interception proxy's certificate, so pinned traffic
 * becomes visible, and says which pinning mechanisms were present.
 *
 * Android / Java (table below, one loop): Conscrypt TrustManagerImpl.verifyChain and
 * checkTrustedRecursive, Android's NetworkSecurityConfig (RootTrustManager.checkServerTrusted,
 * NetworkSecurityTrustManager.checkPins), OkHttp 3/4 and Android's bundled OkHttp
 * CertificatePinner.check, Conscrypt socket verifyCertificateChain, WebViewClient.onReceivedSslError
 * (proceed), SSLContext.init (trust managers replaced by a trusting one; ART only, it needs
 * Java.registerClass) and desktop JSSE's X509TrustManagerImpl.checkServerTrusted.
 * iOS (ios.ts): SecTrustEvaluateWithError / SecTrustEvaluate, BoringSSL custom verify callbacks,
 * NSURLSession challenge handlers.
 *
 * Sends: hook:unpin {target, status: applied|missing|error, platform} once per patch at install,
 * {status: "unsupported"} where the patch cannot work in this runtime, and {status: "bypassed",
 * target, stack} the first time a patched check actually runs.
 */
import Java from "frida-java-bridge";
import { agentError, emit, exportRpc, Fields, isDisabled } from "../common/runtime.js";
import { currentStack, javaContext, JObject, whenJavaReady } from "../common/java/hooks.js";
import { installIosUnpinning } from "./ios.js";

interface Patch {
    cls: string;
    method: string;
    overloads?: string[][];
    /** A class the replacement itself needs (reported `unsupported` when absent). */
    needs?: string;
    /** Replacement body; `original` calls the app's method (used when the result must be adapted). */
    replace: (self: JObject, args: JObject[], original: (...a: JObject[]) => JObject) => JObject;
}

let trustAll: JObject = null;

function permissiveTrustManagers(): JObject {
    if (trustAll === null) {
        const X509TrustManager = Java.use("javax.net.ssl.X509TrustManager");
        const Cls = Java.registerClass({
            name: "phonehome.unpin.TrustingTrustManager",
            implements: [X509TrustManager],
            methods: {
                checkClientTrusted(_chain: JObject, _authType: JObject): void {},
                checkServerTrusted(_chain: JObject, _authType: JObject): void {},
                getAcceptedIssuers(): JObject {
                    return Java.array("java.security.cert.X509Certificate", []);
                },
            },
        });
        trustAll = Java.array("javax.net.ssl.TrustManager", [Cls.$new()]);
    }
    return trustAll;
}

const noop = (): JObject => undefined;

const PATCHES: Patch[] = [
    { cls: "com.android.org.conscrypt.TrustManagerImpl", method: "verifyChain", replace: (_s, args) => args[0] },
    {
        cls: "com.android.org.conscrypt.TrustManagerImpl", method: "checkTrustedRecursive",
        replace: () => Java.use("java.util.ArrayList").$new(),
    },
    { cls: "android.security.net.config.RootTrustManager", method: "checkServerTrusted", replace: noop },
    { cls: "android.security.net.config.NetworkSecurityTrustManager", method: "checkPins", replace: noop },
    { cls: "okhttp3.CertificatePinner", method: "check", replace: noop },
    { cls: "okhttp3.CertificatePinner", method: "check$okhttp", replace: noop },
    { cls: "com.android.okhttp.CertificatePinner", method: "check", replace: noop },
    { cls: "com.android.org.conscrypt.ConscryptFileDescriptorSocket", method: "verifyCertificateChain", replace: noop },
    { cls: "com.android.org.conscrypt.OpenSSLSocketImpl", method: "verifyCertificateChain", replace: noop },
    {
        cls: "android.webkit.WebViewClient", method: "onReceivedSslError",
        overloads: [["android.webkit.WebView", "android.webkit.SslErrorHandler", "android.net.http.SslError"]],
        replace: (_s, args) => {
            args[1].proceed();
            return undefined;
        },
    },
    // Desktop JSSE (the trust manager TrustManagerFactory hands out): lets the tests exercise
    // unpinning on the JVM, where Java.registerClass (needs dalvik) is not available.
    { cls: "sun.security.ssl.X509TrustManagerImpl", method: "checkServerTrusted", replace: noop },
    {
        cls: "javax.net.ssl.SSLContext", method: "init", needs: "dalvik.system.DexClassLoader",
        overloads: [["[Ljavax.net.ssl.KeyManager;", "[Ljavax.net.ssl.TrustManager;", "java.security.SecureRandom"]],
        replace: (_s, args, original) => original(args[0], permissiveTrustManagers(), args[2]),
    },
];

export function unpinEvent(target: string, status: string, platform: string, extra: Fields = {}): void {
    emit("hook:unpin", { target, status, platform, ...extra });
}

function installAndroid(): void {
    const c = javaContext(Java);
    const bypassed = new Set<string>();
    for (const p of PATCHES) {
        const target = `${p.cls}.${p.method}`;
        if (isDisabled(target, p.cls)) {
            continue;
        }
        if (p.needs !== undefined) {
            try {
                void Java.use(p.needs).class;
            } catch (_) {
                unpinEvent(target, "unsupported", "java", { needs: p.needs });
                continue;
            }
        }
        let method: JObject;
        try {
            method = Java.use(p.cls)[p.method];
        } catch (_) {
            method = undefined;
        }
        if (method === undefined || method.overloads === undefined) {
            unpinEvent(target, "missing", "java");
            continue;
        }
        let overloads: JObject[];
        try {
            overloads = p.overloads === undefined ? method.overloads : p.overloads.map((sig) => method.overload(...sig));
        } catch (e) {
            unpinEvent(target, "missing", "java", { error: String(e) });
            continue;
        }
        let applied = 0;
        for (const ov of overloads) {
            try {
                ov.implementation = function (this: JObject, ...args: JObject[]): JObject {
                    const result = p.replace(this, args, (...a: JObject[]) => ov.apply(this, a));
                    try {
                        if (!bypassed.has(target)) {
                            bypassed.add(target);
                            unpinEvent(target, "bypassed", "java", { stack: currentStack(c) });
                        }
                    } catch (e) {
                        agentError(`unpin ${target}`, e);
                    }
                    return result;
                };
                applied++;
            } catch (e) {
                unpinEvent(target, "error", "java", { error: String(e) });
            }
        }
        if (applied > 0) {
            unpinEvent(target, "applied", "java", { overloads: applied });
        }
    }
}

exportRpc("unpin", () => {
    try {
        installIosUnpinning(unpinEvent);
    } catch (e) {
        agentError("unpin ios", e);
    }
    whenJavaReady(Java, installAndroid);
});
