/*
 * tls agent: TLS plaintext below app-level HTTP stacks, and where connections go.
 *
 * Hooks (native, every module that exports them, also modules loaded later via
 * Process.attachModuleObserver): OpenSSL/BoringSSL SSL_write, SSL_read, SSL_write_ex,
 * SSL_read_ex (bytes actually transferred), SSL_ctrl(SSL_CTRL_SET_TLSEXT_HOSTNAME) and
 * SSL_get_servername for the SNI host, SSL_get_fd + Socket.peerAddress for the peer, SSL_free
 * to forget a connection; libc getaddrinfo (name -> addresses) and connect (fd -> address).
 * Desktop Java (JSSE never touches OpenSSL): sun.security.ssl.SSLSocketImpl$AppOutputStream.write
 * and $AppInputStream.read, with the peer host/port from the socket.
 *
 * Sends: hook:tls-plaintext {api, lib, conn, direction: write|read, host, port, ip,
 * host_source, tid, data (bytes)}; hook:net {api: getaddrinfo|connect, host, ip, port, fd}.
 */
import Java from "frida-java-bridge";
import { agentError, emit, exportRpc, reportMissing, settings } from "../common/runtime.js";
import { installJavaHooks, javaBytes, JObject, JavaHook, whenJavaReady, javaContext, identity } from "../common/java/hooks.js";

interface Peer {
    ip: string;
    port: number;
}

interface Conn {
    id: string;
    host: string | null;
    hostSource: string;
    peer: Peer | null;
    resolved: boolean;
}

const SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
const TLSEXT_NAMETYPE_host_name = 0;

const conns = new Map<string, Conn>();
const sniBySsl = new Map<string, string>();
const lastConnectByThread = new Map<number, Peer>();
const peerByFd = new Map<number, Peer>();
const nameByIp = new Map<string, string>();
const hookedModules = new Set<string>();
let nextConn = 1;

function parseSockaddr(sa: NativePointer): Peer | null {
    if (sa.isNull()) {
        return null;
    }
    const family = sa.readU16();
    const port = (sa.add(2).readU8() << 8) | sa.add(3).readU8();
    if (family === 2) {
        const b = new Uint8Array(sa.add(4).readByteArray(4) as ArrayBuffer);
        return { ip: `${b[0]}.${b[1]}.${b[2]}.${b[3]}`, port };
    }
    if (family === 10) {
        const b = new Uint8Array(sa.add(8).readByteArray(16) as ArrayBuffer);
        const groups: string[] = [];
        for (let i = 0; i < 16; i += 2) {
            groups.push(((b[i] << 8) | b[i + 1]).toString(16));
        }
        const ip = groups.join(":");
        const mapped = ip.startsWith("0:0:0:0:0:ffff:") ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : ip;
        return { ip: mapped, port };
    }
    return null;
}

function hookLibc(): void {
    const gai = Module.findGlobalExportByName("getaddrinfo");
    if (gai !== null) {
        Interceptor.attach(gai, {
            onEnter(args) {
                this.node = args[0].isNull() ? null : args[0].readUtf8String();
                this.res = args[3];
            },
            onLeave(retval) {
                try {
                    if (retval.toInt32() !== 0 || this.node === null) {
                        return;
                    }
                    const ips: string[] = [];
                    let ai = (this.res as NativePointer).readPointer();
                    let guard = 0;
                    while (!ai.isNull() && guard++ < 64) {
                        const p = parseSockaddr(ai.add(24).readPointer());
                        if (p !== null && ips.indexOf(p.ip) < 0) {
                            ips.push(p.ip);
                            nameByIp.set(p.ip, this.node as string);
                        }
                        ai = ai.add(40).readPointer();
                    }
                    emit("hook:net", { api: "getaddrinfo", host: this.node as string, ips, tid: Process.getCurrentThreadId() });
                } catch (e) {
                    agentError("getaddrinfo", e);
                }
            },
        });
    } else {
        reportMissing("libc:getaddrinfo");
    }
    const connect = Module.findGlobalExportByName("connect");
    if (connect !== null) {
        Interceptor.attach(connect, {
            onEnter(args) {
                try {
                    const peer = parseSockaddr(args[1]);
                    if (peer === null) {
                        return;
                    }
                    const fd = args[0].toInt32();
                    const tid = Process.getCurrentThreadId();
                    lastConnectByThread.set(tid, peer);
                    peerByFd.set(fd, peer);
                    emit("hook:net", {
                        api: "connect", ip: peer.ip, port: peer.port, fd, tid,
                        host: nameByIp.get(peer.ip) ?? null,
                    });
                } catch (e) {
                    agentError("connect", e);
                }
            },
        });
    } else {
        reportMissing("libc:connect");
    }
}

interface SslApi {
    lib: string;
    getServername: NativeFunction<NativePointer, [NativePointerValue, number]> | null;
    getFd: NativeFunction<number, [NativePointerValue]> | null;
}

function connFor(api: SslApi, ssl: NativePointer): Conn {
    const key = ssl.toString();
    let conn = conns.get(key);
    if (conn === undefined) {
        conn = { id: `${Process.id}:${nextConn++}`, host: null, hostSource: "", peer: null, resolved: false };
        conns.set(key, conn);
    }
    if (!conn.resolved) {
        conn.resolved = true;
        const sni = sniBySsl.get(key) ?? null;
        if (sni !== null) {
            conn.host = sni;
            conn.hostSource = "sni";
        } else if (api.getServername !== null) {
            const name = api.getServername(ssl, TLSEXT_NAMETYPE_host_name);
            if (!name.isNull()) {
                conn.host = name.readUtf8String();
                conn.hostSource = "sni";
            }
        }
        let fd = -1;
        if (api.getFd !== null) {
            fd = api.getFd(ssl);
        }
        if (fd >= 0) {
            const addr = Socket.peerAddress(fd);
            if (addr !== null && "ip" in addr) {
                conn.peer = { ip: addr.ip, port: addr.port };
            } else if (peerByFd.has(fd)) {
                conn.peer = peerByFd.get(fd) ?? null;
            }
        }
        if (conn.peer === null) {
            // e.g. curl's custom BIO: SSL_get_fd() is -1; the handshake runs on the thread that connected.
            conn.peer = lastConnectByThread.get(Process.getCurrentThreadId()) ?? null;
            if (conn.peer !== null && conn.hostSource === "") {
                conn.hostSource = "thread-last-connect";
            }
        }
        if (conn.host === null && conn.peer !== null) {
            conn.host = nameByIp.get(conn.peer.ip) ?? conn.peer.ip;
            if (conn.hostSource === "") {
                conn.hostSource = nameByIp.has(conn.peer.ip) ? "getaddrinfo" : "ip";
            }
        }
    }
    return conn;
}

function report(api: SslApi, fn: string, direction: string, ssl: NativePointer, buf: NativePointer, n: number): void {
    if (n <= 0) {
        return;
    }
    const conn = connFor(api, ssl);
    const take = Math.min(n, settings.maxBytes);
    const ab = buf.readByteArray(take);
    if (ab === null) {
        return;
    }
    emit("hook:tls-plaintext", {
        api: fn, lib: api.lib, conn: conn.id, direction,
        host: conn.host, port: conn.peer?.port ?? null, ip: conn.peer?.ip ?? null,
        host_source: conn.hostSource, tid: Process.getCurrentThreadId(),
        data: new Uint8Array(ab), size: n,
    });
}

function ownExport(m: Module, name: string): NativePointer | null {
    const p = m.findExportByName(name);
    if (p === null) {
        return null;
    }
    return p.compare(m.base) >= 0 && p.compare(m.base.add(m.size)) < 0 ? p : null;
}

function hookSslModule(m: Module): void {
    if (hookedModules.has(m.path)) {
        return;
    }
    // findExportByName resolves through a module's dependencies (libcurl -> libssl): only
    // hook a library that defines SSL_write itself.
    const write = ownExport(m, "SSL_write");
    const read = ownExport(m, "SSL_read");
    if (write === null && read === null) {
        return;
    }
    hookedModules.add(m.path);
    const gs = ownExport(m, "SSL_get_servername");
    const gf = ownExport(m, "SSL_get_fd");
    const api: SslApi = {
        lib: m.name,
        getServername: gs === null ? null : new NativeFunction(gs, "pointer", ["pointer", "int"]),
        getFd: gf === null ? null : new NativeFunction(gf, "int", ["pointer"]),
    };
    const attachPlain = (name: string, direction: string): void => {
        const f = ownExport(m, name);
        if (f === null) {
            reportMissing(`${m.name}:${name}`);
            return;
        }
        Interceptor.attach(f, {
            onEnter(args) {
                this.ssl = args[0];
                this.buf = args[1];
            },
            onLeave(retval) {
                try {
                    report(api, name, direction, this.ssl, this.buf, retval.toInt32());
                } catch (e) {
                    agentError(name, e);
                }
            },
        });
    };
    const attachEx = (name: string, direction: string): void => {
        const f = ownExport(m, name);
        if (f === null) {
            reportMissing(`${m.name}:${name}`);
            return;
        }
        Interceptor.attach(f, {
            onEnter(args) {
                this.ssl = args[0];
                this.buf = args[1];
                this.done = args[3];
            },
            onLeave(retval) {
                try {
                    if (retval.toInt32() !== 1 || (this.done as NativePointer).isNull()) {
                        return;
                    }
                    const n = (this.done as NativePointer).readU64().toNumber();
                    report(api, name, direction, this.ssl, this.buf, n);
                } catch (e) {
                    agentError(name, e);
                }
            },
        });
    };
    attachPlain("SSL_write", "write");
    attachPlain("SSL_read", "read");
    attachEx("SSL_write_ex", "write");
    attachEx("SSL_read_ex", "read");
    const ctrl = ownExport(m, "SSL_ctrl");
    if (ctrl !== null) {
        Interceptor.attach(ctrl, {
            onEnter(args) {
                try {
                    if (args[1].toInt32() === SSL_CTRL_SET_TLSEXT_HOSTNAME && !args[3].isNull()) {
                        const name = args[3].readUtf8String();
                        if (name !== null) {
                            sniBySsl.set(args[0].toString(), name);
                        }
                    }
                } catch (e) {
                    agentError("SSL_ctrl", e);
                }
            },
        });
    }
    // BoringSSL exports SSL_set_tlsext_host_name as a function.
    const setHost = ownExport(m, "SSL_set_tlsext_host_name");
    if (setHost !== null) {
        Interceptor.attach(setHost, {
            onEnter(args) {
                try {
                    const name = args[1].isNull() ? null : args[1].readUtf8String();
                    if (name !== null) {
                        sniBySsl.set(args[0].toString(), name);
                    }
                } catch (e) {
                    agentError("SSL_set_tlsext_host_name", e);
                }
            },
        });
    }
    const free = ownExport(m, "SSL_free");
    if (free !== null) {
        Interceptor.attach(free, {
            onEnter(args) {
                const key = args[0].toString();
                conns.delete(key);
                sniBySsl.delete(key);
            },
        });
    }
    emit("hook:tls-library", { lib: m.name, path: m.path, ex: ownExport(m, "SSL_write_ex") !== null });
}

function jsseHooks(): JavaHook[] {
    const record = (direction: string) => (call: { self: JObject; args: JObject[]; ret: JObject }, J: typeof Java) => {
        const c = javaContext(J);
        const [arr, off, len] = call.args as [JObject, number, number];
        const n = direction === "write" ? len : (call.ret as number);
        if (n <= 0) {
            return null;
        }
        const sock = call.self.this$0.value;
        const data = javaBytes(J, arr, off, n);
        return {
            conn: `${Process.id}:jsse:${identity(c, sock)}`,
            direction,
            host: String(sock.getPeerHost()),
            port: sock.getPort() as number,
            host_source: "jsse",
            lib: "jsse",
            data,
            size: n,
        };
    };
    return [
        {
            cls: "sun.security.ssl.SSLSocketImpl$AppOutputStream", method: "write", overloads: [["[B", "int", "int"]],
            type: "hook:tls-plaintext", api: "SSLSocketImpl$AppOutputStream.write", withStack: false, record: record("write"),
        },
        {
            cls: "sun.security.ssl.SSLSocketImpl$AppInputStream", method: "read", overloads: [["[B", "int", "int"]],
            type: "hook:tls-plaintext", api: "SSLSocketImpl$AppInputStream.read", withStack: false, record: record("read"),
        },
    ];
}

function install(): void {
    hookLibc();
    for (const m of Process.enumerateModules()) {
        hookSslModule(m);
    }
    Process.attachModuleObserver({
        onAdded(m: Module) {
            try {
                hookSslModule(m);
            } catch (e) {
                agentError(`hook module ${m.name}`, e);
            }
        },
    });
    if (settings.options.jsse !== false) {
        whenJavaReady(Java, () => {
            installJavaHooks(Java, jsseHooks());
        });
    }
}

exportRpc("tls", install);
