/*
 * Shared agent runtime (no bridge imports): configuration, batched typed events, error and
 * missing-class reporting. Every agent imports this; it is bundled into each agent separately.
 *
 * Events: `emit(type, fields)` queues `{type, ts, pid, ...fields}`; byte fields (Uint8Array) are
 * capped at `maxBytes`, appended to one binary side buffer and replaced by `blobs[field] =
 * [offset, length, originalLength]`, so a batch is one `send(message, data)`:
 *   {type: "batch", agent, events: [...]}, data = concatenated bytes.
 * A batch leaves after `batchMs` or `batchEvents` events or 1 MiB of bytes, and on `flush()`
 * (called from `rpc.exports.dispose`).
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Field = Json | Uint8Array | undefined;
export type Fields = { [k: string]: Field };

export interface AgentSettings {
    batchMs: number;
    batchEvents: number;
    maxBytes: number;
    stackDepth: number;
    /** Callers (class-name prefixes) whose crypto/encoding calls are platform-internal, not the app's. */
    platformPrefixes: string[];
    /** Test only: API labels whose recorder throws on purpose (proves the app call survives). */
    faultInjection: string[];
    /** Hook labels or class names to leave alone. */
    disabled: string[];
    /** Per-API switches an agent may read (e.g. `jsse: false`). */
    options: { [k: string]: Json };
}

export const settings: AgentSettings = {
    batchMs: 50,
    batchEvents: 500,
    maxBytes: 65536,
    stackDepth: 32,
    platformPrefixes: [
        "java.", "javax.", "sun.", "jdk.", "com.sun.", "android.", "com.android.", "dalvik.",
        "libcore.", "org.apache.harmony.", "org.bouncycastle.", "org.conscrypt.",
    ],
    faultInjection: [],
    disabled: [],
    options: {},
};

export function configure(agent: string, raw: unknown): void {
    agentName = agent;
    if (raw === null || typeof raw !== "object") {
        return;
    }
    const given = raw as { [k: string]: unknown };
    for (const key of Object.keys(settings) as (keyof AgentSettings)[]) {
        const value = given[key];
        if (value === undefined || value === null) {
            continue;
        }
        const current = settings[key];
        if (typeof current === "number" && typeof value === "number") {
            (settings[key] as number) = value;
        } else if (Array.isArray(current) && Array.isArray(value)) {
            (settings[key] as string[]) = value.map(String);
        } else if (key === "options" && typeof value === "object") {
            settings.options = value as { [k: string]: Json };
        }
    }
}

let agentName = "agent";
const pending: { [k: string]: Json }[] = [];
const chunks: Uint8Array[] = [];
let blobBytes = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let emitted = 0;
let batches = 0;

const MAX_BLOB_BATCH = 1 << 20;

export function emit(type: string, fields: Fields): void {
    const event: { [k: string]: Json } = { type, ts: Date.now() / 1000, pid: Process.id };
    let blobs: { [k: string]: Json } | null = null;
    for (const key in fields) {
        const value = fields[key];
        if (value === undefined) {
            continue;
        }
        if (value instanceof Uint8Array) {
            const n = Math.min(value.length, settings.maxBytes);
            chunks.push(n < value.length ? value.subarray(0, n) : value);
            if (blobs === null) {
                blobs = {};
            }
            blobs[key] = [blobBytes, n, value.length];
            blobBytes += n;
        } else {
            event[key] = value;
        }
    }
    if (blobs !== null) {
        event.blobs = blobs;
    }
    pending.push(event);
    emitted++;
    if (pending.length >= settings.batchEvents || blobBytes >= MAX_BLOB_BATCH) {
        flush();
    } else if (timer === null) {
        timer = setTimeout(flush, settings.batchMs);
    }
}

export function flush(): void {
    if (timer !== null) {
        clearTimeout(timer);
        timer = null;
    }
    if (pending.length === 0) {
        return;
    }
    const events = pending.splice(0, pending.length);
    let data: ArrayBuffer | null = null;
    if (blobBytes > 0) {
        const all = new Uint8Array(blobBytes);
        let at = 0;
        for (const c of chunks) {
            all.set(c, at);
            at += c.length;
        }
        data = all.buffer as ArrayBuffer;
    }
    chunks.length = 0;
    blobBytes = 0;
    batches++;
    send({ type: "batch", agent: agentName, events }, data);
}

export function stats(): { [k: string]: Json } {
    return { agent: agentName, emitted, batches, pending: pending.length };
}

const errorCounts = new Map<string, number>();
const MAX_ERRORS_PER_SITE = 5;

/** Reports an error inside the agent (never thrown into the app). Rate-limited per site. */
export function agentError(where: string, error: unknown): void {
    try {
        const count = (errorCounts.get(where) ?? 0) + 1;
        errorCounts.set(where, count);
        if (count > MAX_ERRORS_PER_SITE) {
            return;
        }
        const e = error as { message?: string; stack?: string };
        emit("hook:agent-error", {
            agent: agentName,
            where,
            error: String(e?.message ?? error),
            stack: String(e?.stack ?? ""),
            count,
        });
    } catch (_) {
        // nothing left to do: reporting must never throw into the app
    }
}

const missingSeen = new Set<string>();

/** Reports once that a class (or method, or module) to hook is not present in this process. */
export function reportMissing(target: string, fields: Fields = {}): void {
    if (missingSeen.has(target)) {
        return;
    }
    missingSeen.add(target);
    emit("hook:missing-class", { agent: agentName, target, ...fields });
}

/** Test-only fault injection: throws when `label` is listed in `settings.faultInjection`. */
export function maybeInjectFault(label: string): void {
    if (settings.faultInjection.indexOf(label) >= 0) {
        throw new Error(`injected fault in ${label}`);
    }
}

export function isDisabled(...names: string[]): boolean {
    for (const n of names) {
        if (settings.disabled.indexOf(n) >= 0) {
            return true;
        }
    }
    return false;
}

/**
 * Reports a native crash (signal, address, registers' pc, module) before the process dies: the
 * host gets `hook:crash` and answers `crash-ack`, which this handler waits for (at most 2 s).
 * The exception is then passed on (`return false`), so the app crashes as it would anyway.
 */
export function installCrashReporter(): void {
    Process.setExceptionHandler((details) => {
        try {
            const pc = details.context.pc;
            const mod = Process.findModuleByAddress(pc);
            emit("hook:crash", {
                agent: agentName, kind: details.type, address: details.address.toString(), pc: pc.toString(),
                module: mod === null ? null : mod.name, offset: mod === null ? null : pc.sub(mod.base).toString(),
                memory: details.memory === undefined ? null : `${details.memory.operation} ${details.memory.address}`,
            });
            flush();
            const op = recv("crash-ack", () => {});
            const t0 = Date.now();
            while (Date.now() - t0 < 2000) {
                try {
                    op.wait();
                    break;
                } catch (_) {
                    break;
                }
            }
        } catch (_) {
            // never make a crash worse
        }
        return false;
    });
}

/** Standard rpc table: `init(config)` runs `install` once, `dispose` flushes. */
export function exportRpc(agent: string, install: () => void): void {
    let installed = false;
    rpc.exports = {
        init(config: unknown): { [k: string]: Json } {
            configure(agent, config);
            if (!installed) {
                installed = true;
                if (settings.options.crashReporter === true) {
                    installCrashReporter();
                }
                try {
                    install();
                } catch (e) {
                    agentError(`${agent}:install`, e);
                }
            }
            flush();
            return stats();
        },
        flush(): void {
            flush();
        },
        stats(): { [k: string]: Json } {
            return stats();
        },
        dispose(): void {
            flush();
        },
        /** Benchmark: emit `n` small events as fast as the batching allows. */
        bench(n: number): number {
            for (let i = 0; i < n; i++) {
                emit("hook:bench", { i });
            }
            flush();
            return n;
        },
    };
}
