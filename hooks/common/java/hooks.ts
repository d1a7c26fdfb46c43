/*
 * Java hook tables applied by one loop (shared by the api, crypto, tls and unpin agents).
 *
 * A `JavaHook` names a class, a method, optionally the overloads (argument type lists; all
 * overloads when omitted) and a `record` function that turns one call into event fields (or
 * null for "nothing to record"). `installJavaHooks` replaces each overload with a wrapper that
 * ALWAYS calls the original first and returns its result unchanged; recording runs afterwards
 * inside try/catch, so an agent error is reported as `hook:agent-error` and never reaches the
 * app. A class that is not loaded is reported once as `hook:missing-class` and skipped.
 *
 * The bridge is passed in (this folder cannot resolve npm packages at bundle time); only its
 * type is imported here.
 */
import type JavaBridge from "frida-java-bridge";
import { agentError, emit, Fields, flush, isDisabled, maybeInjectFault, reportMissing, settings } from "../runtime.js";

export type JavaApi = typeof JavaBridge;
// Java wrappers are dynamically typed by the bridge itself.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JObject = any;

export interface Call {
    self: JObject;
    args: JObject[];
    ret: JObject;
    /** Java stack frames (innermost first, starting at the hooked method), when the hook asks. */
    stack: () => string[];
    /** The first frame below the hooked class, e.g. `com.facebook.appevents.X.y(X.java:3)`. */
    caller: () => string;
}

export interface JavaHook {
    cls: string;
    method: string;
    /** Overloads as argument type lists (`["android.content.ContentResolver", "java.lang.String"]`); all when omitted. */
    overloads?: string[][];
    /** Event type, e.g. `hook:read`. */
    type: string;
    /** Label, e.g. `Settings.Secure.getString`. */
    api: string;
    category?: string;
    kind?: string;
    /** Skip calls made by platform code (`settings.platformPrefixes`), e.g. the TLS stack's own hashing. */
    appCallersOnly?: boolean;
    /** Hooks of one group do not record while another call of the same group runs on the same
     * thread (e.g. `Base64.Encoder.encodeToString` calling `encode`: one event, not two). */
    group?: string;
    /** Include `stack` and `thread` (default true). */
    withStack?: boolean;
    /** Fields to record, or null to record nothing for this call. Runs after the original returned. */
    record: (call: Call, J: JavaApi) => Fields | null;
}

export interface JavaContext {
    J: JavaApi;
    Thread: JObject;
    System: JObject;
    Throwable: JObject;
    StringWriter: JObject;
    PrintWriter: JObject;
}

let ctx: JavaContext | null = null;
const busyThreads = new Set<number>();
const groupDepth = new Map<string, number>();

export function stripModule(frame: string): string {
    const paren = frame.indexOf("(");
    const slash = frame.lastIndexOf("/", paren >= 0 ? paren : frame.length);
    return slash >= 0 ? frame.slice(slash + 1) : frame;
}

/** Class part of a frame `a.b.C.method(C.java:1)` -> `a.b.C`. */
export function frameClass(frame: string): string {
    const paren = frame.indexOf("(");
    const head = paren >= 0 ? frame.slice(0, paren) : frame;
    const dot = head.lastIndexOf(".");
    const cls = dot >= 0 ? head.slice(0, dot) : head;
    const slash = cls.lastIndexOf("/");
    return slash >= 0 ? cls.slice(slash + 1) : cls;
}

export function javaContext(J: JavaApi): JavaContext {
    if (ctx === null) {
        ctx = {
            J,
            Thread: J.use("java.lang.Thread"),
            System: J.use("java.lang.System"),
            Throwable: J.use("java.lang.Throwable"),
            StringWriter: J.use("java.io.StringWriter"),
            PrintWriter: J.use("java.io.PrintWriter"),
        };
    }
    return ctx;
}

interface RawStackApi {
    thread: NativePointer;
    currentThread: NativePointer;
    getStackTrace: NativePointer;
    arrays: NativePointer;
    toString: NativePointer;
}

let rawApi: RawStackApi | null | undefined;

/** Global refs and method ids for the raw JNI stack capture (once). */
function rawStackApi(env: JObject): RawStackApi | null {
    if (rawApi !== undefined) {
        return rawApi;
    }
    try {
        const global = (name: string): NativePointer => {
            const local = env.findClass(name) as NativePointer;
            const g = env.newGlobalRef(local) as NativePointer;
            env.deleteLocalRef(local);
            return g;
        };
        const thread = global("java/lang/Thread");
        const arrays = global("java/util/Arrays");
        rawApi = {
            thread,
            currentThread: env.getStaticMethodId(thread, "currentThread", "()Ljava/lang/Thread;"),
            getStackTrace: env.getMethodId(thread, "getStackTrace", "()[Ljava/lang/StackTraceElement;"),
            arrays,
            toString: env.getStaticMethodId(arrays, "toString", "([Ljava/lang/Object;)Ljava/lang/String;"),
        };
    } catch (e) {
        agentError("raw JNI stack setup", e);
        rawApi = null;
    }
    return rawApi;
}

/**
 * `Arrays.toString(Thread.currentThread().getStackTrace())` through raw JNI calls: the bridge's
 * wrappers would turn every StackTraceElement into a JS object (~10x slower on HotSpot).
 */
function rawStackText(c: JavaContext): string | null {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const env = c.J.vm.getEnv() as any;
    const api = rawStackApi(env);
    if (api === null) {
        return null;
    }
    const h = env.handle as NativePointer;
    const callStatic0 = env.staticVaMethod("pointer", []);
    const call0 = env.vaMethod("pointer", []);
    const callStatic1 = env.staticVaMethod("pointer", ["pointer"]);
    const thread = callStatic0(h, api.thread, api.currentThread) as NativePointer;
    const trace = thread.isNull() ? NULL : (call0(h, thread, api.getStackTrace) as NativePointer);
    const str = trace.isNull() ? NULL : (callStatic1(h, api.arrays, api.toString, trace) as NativePointer);
    let text: string | null = null;
    if (!env.exceptionOccurred().isNull()) {
        env.exceptionClear(); // never leave an exception pending in the app's thread
    } else if (!str.isNull()) {
        text = env.stringFromJni(str) as string;
    }
    for (const ref of [str, trace, thread]) {
        if (!ref.isNull()) {
            env.deleteLocalRef(ref);
        }
    }
    return text;
}

/** Java stack of the current thread as strings, innermost first (the hooked method first). */
export function currentStack(c: JavaContext): string[] {
    const text = rawStackText(c);
    let frames: string[];
    if (text !== null) {
        frames = (text.length > 2 ? text.slice(1, -1).split(", ") : []).map(stripModule);
        let start = 0;
        while (start < frames.length && frames[start].startsWith("java.lang.Thread.getStackTrace(")) {
            start++;
        }
        frames = frames.slice(start, start + settings.stackDepth);
    } else {
        frames = printedStack(c);
    }
    return frames;
}

/** Fallback: one Throwable printed into a StringWriter (five bridge calls). */
function printedStack(c: JavaContext): string[] {
    const sw = c.StringWriter.$new();
    c.Throwable.$new().printStackTrace(c.PrintWriter.$new(sw));
    const text: string = sw.toString();
    const frames: string[] = [];
    for (const line of text.split("\n")) {
        const t = line.trim();
        if (t.startsWith("at ")) {
            frames.push(stripModule(t.slice(3)));
            if (frames.length >= settings.stackDepth) {
                break;
            }
        }
    }
    return frames;
}

const threadNames = new Map<number, string>();

/** The Java name of the current thread, cached per OS thread (two bridge calls saved per event;
 * a thread renamed later keeps its first name here). */
export function threadName(c: JavaContext): string {
    const tid = Process.getCurrentThreadId();
    let name = threadNames.get(tid);
    if (name === undefined) {
        if (threadNames.size > 1024) {
            threadNames.clear();
        }
        name = String(c.Thread.currentThread().getName());
        threadNames.set(tid, name);
    }
    return name;
}

export function identity(c: JavaContext, obj: JObject): number {
    return c.System.identityHashCode(obj) as number;
}

export function isPlatformFrame(frame: string): boolean {
    for (const p of settings.platformPrefixes) {
        if (frame.startsWith(p)) {
            return true;
        }
    }
    return false;
}

/** Copies `len` bytes of a Java byte[] from `off` (capped at `settings.maxBytes`). */
export function javaBytes(J: JavaApi, arr: JObject, off = 0, len = -1): Uint8Array | null {
    if (arr === null || arr === undefined) {
        return null;
    }
    const total: number = arr.length;
    const n0 = len < 0 ? total - off : len;
    const n = Math.max(0, Math.min(n0, total - off, settings.maxBytes));
    if (n === 0) {
        return new Uint8Array(0);
    }
    const handle = arr.$h as NativePointer | undefined;
    if (handle !== undefined) {
        const buf = Memory.alloc(n);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const env = J.vm.getEnv() as any;
        env.getByteArrayRegion(handle, off, n, buf);
        const ab = buf.readByteArray(n);
        return ab === null ? null : new Uint8Array(ab);
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
        out[i] = (arr[off + i] as number) & 0xff;
    }
    return out;
}

export function javaString(v: JObject): string | null {
    if (v === null || v === undefined) {
        return null;
    }
    return String(v.toString());
}

/** Applies a table of hooks. Returns how many overloads were patched. */
export function installJavaHooks(J: JavaApi, hooks: JavaHook[]): number {
    const c = javaContext(J);
    let patched = 0;
    const classes = new Map<string, JObject | null>();
    for (const hook of hooks) {
        if (isDisabled(hook.api, hook.cls)) {
            continue;
        }
        let wrapper = classes.get(hook.cls);
        if (wrapper === undefined) {
            try {
                wrapper = J.use(hook.cls);
                // Touch the class so a missing one fails here, not at the first call.
                void wrapper.class;
            } catch (_) {
                wrapper = null;
            }
            classes.set(hook.cls, wrapper);
        }
        if (wrapper === null) {
            reportMissing(hook.cls, { api: hook.api });
            continue;
        }
        let method: JObject;
        try {
            method = wrapper[hook.method];
        } catch (_) {
            method = undefined;
        }
        if (method === undefined || method.overloads === undefined) {
            reportMissing(`${hook.cls}.${hook.method}`, { api: hook.api });
            continue;
        }
        const overloads: JObject[] = [];
        if (hook.overloads === undefined) {
            overloads.push(...method.overloads);
        } else {
            for (const sig of hook.overloads) {
                try {
                    overloads.push(method.overload(...sig));
                } catch (_) {
                    reportMissing(`${hook.cls}.${hook.method}(${sig.join(",")})`, { api: hook.api });
                }
            }
        }
        for (const ov of overloads) {
            try {
                patchOverload(c, hook, ov);
                patched++;
            } catch (e) {
                agentError(`patch ${hook.cls}.${hook.method}`, e);
            }
        }
    }
    return patched;
}

function patchOverload(c: JavaContext, hook: JavaHook, ov: JObject): void {
    const J = c.J;
    const withStack = hook.withStack !== false;
    const group = hook.group;
    ov.implementation = function (this: JObject, ...args: JObject[]): JObject {
        // The app's call comes first and is never inside our try: its result and its exceptions
        // are passed through untouched.
        const tid = Process.getCurrentThreadId();
        let ret: JObject;
        let nested = false;
        if (group === undefined) {
            ret = ov.apply(this, args);
        } else {
            const key = `${tid}:${group}`;
            const depth = groupDepth.get(key) ?? 0;
            nested = depth > 0;
            groupDepth.set(key, depth + 1);
            try {
                ret = ov.apply(this, args);
            } finally {
                if (depth === 0) {
                    groupDepth.delete(key);
                } else {
                    groupDepth.set(key, depth);
                }
            }
        }
        if (nested || busyThreads.has(tid)) {
            return ret;
        }
        busyThreads.add(tid);
        try {
            let frames: string[] | null = null;
            const stack = (): string[] => {
                if (frames === null) {
                    frames = currentStack(c);
                }
                return frames;
            };
            const caller = (): string => {
                for (const f of stack()) {
                    const cls = frameClass(f);
                    if (cls !== hook.cls && !cls.startsWith(`${hook.cls}$`) && !hook.cls.startsWith(`${cls}$`)) {
                        return f;
                    }
                }
                return "";
            };
            if (hook.appCallersOnly === true && isPlatformFrame(caller())) {
                return ret;
            }
            maybeInjectFault(hook.api);
            const fields = hook.record({ self: this, args, ret, stack, caller }, J);
            if (fields !== null) {
                const base: Fields = { api: hook.api, class: hook.cls, method: hook.method };
                if (hook.category !== undefined) {
                    base.category = hook.category;
                }
                if (hook.kind !== undefined) {
                    base.kind = hook.kind;
                }
                if (withStack) {
                    base.thread = threadName(c);
                    base.tid = tid;
                    base.stack = stack();
                }
                emit(hook.type, { ...base, ...fields });
            }
        } catch (e) {
            agentError(`${hook.api} (${hook.cls}.${hook.method})`, e);
        } finally {
            busyThreads.delete(tid);
        }
        return ret;
    };
}

/**
 * Runs `install` once the Java VM is up: at once when it is (Android, or attach to a running
 * JVM), else when a desktop JVM finishes `JNI_CreateJavaVM` (spawned `java`). `libjvm.so` is
 * loaded late by the launcher, so a module observer waits for it.
 */
export function whenJavaReady(J: JavaApi, install: () => void): void {
    let done = false;
    const run = (): void => {
        if (done) {
            return;
        }
        done = true;
        J.perform(() => {
            try {
                install();
            } catch (e) {
                agentError("java install", e);
            }
        });
        // Runs on Frida's JS thread (timers run there): see attachJsThreadAsDaemon.
        setTimeout(() => attachJsThreadAsDaemon(J), 0);
        releaseJsThreadAtDestroy(J);
    };
    let available = false;
    try {
        available = J.available;
    } catch (_) {
        available = false;
    }
    if (available) {
        attachJsThreadAsDaemon(J);
        run();
        return;
    }
    let hooked = false;
    const hookJvm = (m: Module): void => {
        if (hooked) {
            return;
        }
        const create = m.findExportByName("JNI_CreateJavaVM");
        if (create === null) {
            return;
        }
        hooked = true;
        Interceptor.attach(create, {
            onLeave(retval) {
                if (retval.toInt32() === 0) {
                    run();
                }
            },
        });
    };
    const jvm = Process.findModuleByName("libjvm.so");
    if (jvm !== null) {
        hookJvm(jvm);
        return;
    }
    Process.attachModuleObserver({
        onAdded(m: Module) {
            if (m.name === "libjvm.so") {
                hookJvm(m);
            }
        },
    });
}

/**
 * The bridge attaches Frida's JS thread to the VM the first time it touches Java there (wrapper
 * clean-up runs on that thread) and keeps it attached as a normal thread; a desktop JVM then
 * waits for it in DestroyJavaVM and the app hangs at exit. Attaching it first as a daemon
 * (JNIInvokeInterface slot 7, AttachCurrentThreadAsDaemon) makes the bridge see it as attached.
 */
export function attachJsThreadAsDaemon(J: JavaApi): void {
    try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const vm = (J as any).vm;
        if (vm === undefined || vm === null) {
            return;
        }
        const handle = vm.handle as NativePointer;
        const vtable = handle.readPointer();
        const getEnv = new NativeFunction(vtable.add(6 * Process.pointerSize).readPointer(), "int32", ["pointer", "pointer", "int32"]);
        const envBuf = Memory.alloc(Process.pointerSize);
        if (getEnv(handle, envBuf, 0x00010006) === 0) {
            return; // already attached
        }
        const attachDaemon = new NativeFunction(vtable.add(7 * Process.pointerSize).readPointer(), "int32", ["pointer", "pointer", "pointer"]);
        attachDaemon(handle, envBuf, NULL);
    } catch (e) {
        agentError("attach JS thread as daemon", e);
    }
}

/**
 * Desktop JVM: when the launcher calls DestroyJavaVM (main returned), detach Frida's JS thread
 * if the bridge left it attached as a non-daemon thread, so the JVM does not wait for it.
 */
function releaseJsThreadAtDestroy(J: JavaApi): void {
    try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const vm = (J as any).vm;
        if (vm === undefined || vm === null || Process.findModuleByName("libjvm.so") === null) {
            return;
        }
        const handle = vm.handle as NativePointer;
        const vtable = handle.readPointer();
        const destroy = vtable.add(3 * Process.pointerSize).readPointer();
        const detach = new NativeFunction(vtable.add(5 * Process.pointerSize).readPointer(), "int32", ["pointer"]);
        Interceptor.attach(destroy, {
            onEnter() {
                flush();
                setTimeout(() => {
                    try {
                        detach(handle);
                    } catch (e) {
                        agentError("detach JS thread", e);
                    }
                }, 0);
            },
        });
    } catch (e) {
        agentError("hook DestroyJavaVM", e);
    }
}
