/*
 * iOS certificate-validation bypasses (Security.framework, BoringSSL, NSURLSession).
 * Cannot run on this Linux host: on Linux each target is reported `missing`.
 */
import ObjC from "frida-objc-bridge";
import { agentError, Fields } from "../common/runtime.js";

type Report = (target: string, status: string, platform: string, extra?: Fields) => void;

const errSecSuccess = 0;
const kSecTrustResultProceed = 1;
const ssl_verify_ok = 0;

function nativeExport(name: string): NativePointer | null {
    return Module.findGlobalExportByName(name);
}

export function installIosUnpinning(report: Report): void {
    // bool SecTrustEvaluateWithError(SecTrustRef trust, CFErrorRef *error)
    const evalWithError = nativeExport("SecTrustEvaluateWithError");
    if (evalWithError !== null) {
        Interceptor.replace(evalWithError, new NativeCallback((_trust: NativePointer, error: NativePointer) => {
            if (!error.isNull()) {
                error.writePointer(NULL);
            }
            return 1;
        }, "bool", ["pointer", "pointer"]));
        report("SecTrustEvaluateWithError", "applied", "ios");
    } else {
        report("SecTrustEvaluateWithError", "missing", "ios");
    }
    // OSStatus SecTrustEvaluate(SecTrustRef trust, SecTrustResultType *result)
    const evaluate = nativeExport("SecTrustEvaluate");
    if (evaluate !== null) {
        Interceptor.replace(evaluate, new NativeCallback((_trust: NativePointer, result: NativePointer) => {
            if (!result.isNull()) {
                result.writeU32(kSecTrustResultProceed);
            }
            return errSecSuccess;
        }, "int", ["pointer", "pointer"]));
        report("SecTrustEvaluate", "applied", "ios");
    } else {
        report("SecTrustEvaluate", "missing", "ios");
    }
    // BoringSSL (libboringssl.dylib): SSL_CTX_set_custom_verify / SSL_set_custom_verify(ctx, mode, callback)
    const okVerify = new NativeCallback(() => ssl_verify_ok, "int", ["pointer", "pointer"]);
    for (const name of ["SSL_CTX_set_custom_verify", "SSL_set_custom_verify"]) {
        const f = Process.findModuleByName("libboringssl.dylib")?.findExportByName(name) ?? null;
        if (f === null) {
            report(`libboringssl.dylib:${name}`, "missing", "ios");
            continue;
        }
        Interceptor.attach(f, {
            onEnter(args) {
                args[2] = okVerify;
            },
        });
        report(`libboringssl.dylib:${name}`, "applied", "ios");
    }
    if (!ObjC.available) {
        report("NSURLSession challenge handlers", "missing", "ios");
        return;
    }
    // Delegates implementing URLSession:didReceiveChallenge:completionHandler: are made to
    // proceed with the server trust as the credential. Found with Gum's objc ApiResolver.
    let patched = 0;
    const matches = new ApiResolver("objc").enumerateMatches("-[* URLSession:didReceiveChallenge:completionHandler:]");
    for (const m of matches) {
        try {
            Interceptor.attach(m.address, {
                onEnter(args) {
                    try {
                        const challenge = new ObjC.Object(args[3]);
                        const trust = challenge.protectionSpace().serverTrust();
                        const credential = ObjC.classes.NSURLCredential.credentialForTrust_(trust);
                        const completion = new ObjC.Block(args[4]);
                        const original = completion.implementation;
                        completion.implementation = (_disposition: number, _cred: NativePointer) => {
                            original(0, credential); // NSURLSessionAuthChallengeUseCredential
                        };
                    } catch (e) {
                        agentError("unpin NSURLSession challenge", e);
                    }
                },
            });
            patched++;
        } catch (e) {
            agentError(`unpin ${m.name}`, e);
        }
    }
    report("NSURLSession challenge handlers", patched > 0 ? "applied" : "missing", "ios", { classes: patched });
}
