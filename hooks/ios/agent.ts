/*
 * ios agent: what an iOS app reads on the device, and CommonCrypto plaintext.
 *
 * Hooks (table in pure.ts, one loop): ASIdentifierManager.advertisingIdentifier,
 * UIDevice.identifierForVendor / name, CLLocation.coordinate, CLLocationManager
 * startUpdatingLocation / requestLocation, UIPasteboard string(s), CNContactStore fetches,
 * WKWebView.evaluateJavaScript; native CCCrypt (input, output, key, algorithm, op) and
 * CC_MD5/CC_SHA1/CC_SHA256/CC_SHA512 (input, digest).
 *
 * Sends: hook:read {api, class, selector, category, kind, value, values?, thread, stack},
 * hook:webview, hook:crypto, hook:digest, hook:missing-class. The original method always runs;
 * recording happens in onLeave inside try/catch. Not runnable on this Linux host (no ObjC
 * runtime): there it reports every class as missing.
 */
import ObjC from "frida-objc-bridge";
import { agentError, emit, exportRpc, Fields as RtFields, maybeInjectFault, reportMissing, settings } from "../common/runtime.js";
import { CC_DIGESTS, ccCryptNames, contactFields, coordinateFields, formatFrame, IOS_HOOKS, ObjcHook, readFields } from "./pure.js";

const busy = new Set<number>();

function stack(context: CpuContext): string[] {
    return Thread.backtrace(context, Backtracer.ACCURATE)
        .slice(0, settings.stackDepth)
        .map((addr) => {
            const s = DebugSymbol.fromAddress(addr);
            return formatFrame(s.name, s.moduleName, addr.toString());
        });
}

function str(obj: ObjC.Object | null): string | null {
    return obj === null ? null : String(obj.toString());
}

function extract(hook: ObjcHook, self: NativePointer, args: NativePointer[], retval: NativePointer): RtFields | null {
    const ret = retval.isNull() ? null : new ObjC.Object(retval);
    switch (hook.extract) {
        case "uuidString":
            return readFields(hook, ret === null ? null : str(ret.UUIDString()));
        case "string":
            return readFields(hook, str(ret));
        case "stringArray": {
            const values: string[] = [];
            for (let i = 0; ret !== null && i < ret.count() && i < 100; i++) {
                values.push(String(ret.objectAtIndex_(i)));
            }
            return readFields(hook, values[0] ?? null, values);
        }
        case "coordinate": {
            const loc = new ObjC.Object(self);
            const c = loc.coordinate() as unknown as number[] | { latitude: number; longitude: number };
            const [lat, lon] = Array.isArray(c) ? c : [c.latitude, c.longitude];
            return coordinateFields(hook, lat, lon);
        }
        case "contacts": {
            const contacts: { name: string; phones: string[]; emails: string[] }[] = [];
            for (let i = 0; ret !== null && i < ret.count() && i < 500; i++) {
                const c = ret.objectAtIndex_(i);
                const phones: string[] = [];
                const emails: string[] = [];
                try {
                    const ps = c.phoneNumbers();
                    for (let j = 0; j < ps.count(); j++) {
                        phones.push(String(ps.objectAtIndex_(j).value().stringValue()));
                    }
                    const es = c.emailAddresses();
                    for (let j = 0; j < es.count(); j++) {
                        emails.push(String(es.objectAtIndex_(j).value()));
                    }
                } catch (_) {
                    // keys not fetched by the app: only what it asked for is readable
                }
                let name = "";
                try {
                    name = `${c.givenName()} ${c.familyName()}`;
                } catch (_) {
                    name = "";
                }
                contacts.push({ name, phones, emails });
            }
            return contactFields(hook, contacts);
        }
        case "arg0String": {
            // The page the script runs in (WKWebView.URL), for the in-app browser findings.
            let pageUrl: string | null = null;
            try {
                const url = new ObjC.Object(self).URL();
                pageUrl = url === null ? null : String(url.absoluteString());
            } catch (_) {
                pageUrl = null;
            }
            return { api: hook.api, class: hook.cls, script: args[2].isNull() ? null : String(new ObjC.Object(args[2])), page_url: pageUrl };
        }
        case "none":
            return readFields(hook, null);
    }
}

function installObjc(): void {
    for (const hook of IOS_HOOKS) {
        const cls = ObjC.classes[hook.cls];
        if (cls === undefined) {
            reportMissing(hook.cls, { api: hook.api });
            continue;
        }
        const method = cls[hook.sel];
        if (method === undefined) {
            reportMissing(`${hook.cls} ${hook.sel}`, { api: hook.api });
            continue;
        }
        Interceptor.attach(method.implementation, {
            onEnter(args) {
                this.self = args[0];
                this.args = [args[0], args[1], args[2], args[3]];
            },
            onLeave(retval) {
                const tid = Process.getCurrentThreadId();
                if (busy.has(tid)) {
                    return;
                }
                busy.add(tid);
                try {
                    maybeInjectFault(hook.api);
                    const fields = extract(hook, this.self, this.args, retval);
                    if (fields !== null) {
                        emit(hook.type, { ...fields, tid, thread: String(tid), stack: stack(this.context) });
                    }
                } catch (e) {
                    agentError(hook.api, e);
                } finally {
                    busy.delete(tid);
                }
            },
        });
    }
}

function bytesAt(p: NativePointer, n: number): Uint8Array | null {
    if (p.isNull() || n <= 0) {
        return null;
    }
    const ab = p.readByteArray(Math.min(n, settings.maxBytes));
    return ab === null ? null : new Uint8Array(ab);
}

function installCommonCrypto(): void {
    const ccCrypt = Module.findGlobalExportByName("CCCrypt");
    if (ccCrypt === null) {
        reportMissing("libcommonCrypto:CCCrypt");
    } else {
        Interceptor.attach(ccCrypt, {
            onEnter(args) {
                this.a = [args[0], args[1], args[2], args[3], args[4], args[6], args[7], args[8], args[10]];
            },
            onLeave(retval) {
                try {
                    if (retval.toInt32() !== 0) {
                        return;
                    }
                    const [op, alg, options, key, keyLen, dataIn, dataInLen, dataOut, moved] = this.a as NativePointer[];
                    const names = ccCryptNames(op.toInt32(), alg.toInt32(), options.toInt32());
                    emit("hook:crypto", {
                        api: "CCCrypt", ...names, phase: "final",
                        key: bytesAt(key, keyLen.toInt32()),
                        input: bytesAt(dataIn, dataInLen.toInt32()),
                        output: moved.isNull() ? null : bytesAt(dataOut, moved.readU32()),
                        tid: Process.getCurrentThreadId(), stack: stack(this.context),
                    });
                } catch (e) {
                    agentError("CCCrypt", e);
                }
            },
        });
    }
    for (const name of Object.keys(CC_DIGESTS)) {
        const f = Module.findGlobalExportByName(name);
        if (f === null) {
            reportMissing(`libcommonCrypto:${name}`);
            continue;
        }
        const [algorithm, size] = CC_DIGESTS[name];
        Interceptor.attach(f, {
            onEnter(args) {
                this.data = args[0];
                this.len = args[1].toInt32();
                this.md = args[2];
            },
            onLeave() {
                try {
                    emit("hook:digest", {
                        api: name, algorithm, input: bytesAt(this.data, this.len), digest: bytesAt(this.md, size),
                        tid: Process.getCurrentThreadId(), stack: stack(this.context),
                    });
                } catch (e) {
                    agentError(name, e);
                }
            },
        });
    }
}

exportRpc("ios", () => {
    installCommonCrypto();
    if (!ObjC.available) {
        reportMissing("objc-runtime", { detail: "no Objective-C runtime in this process" });
        return;
    }
    installObjc();
});
