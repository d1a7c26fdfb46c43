package com.bytedance.ies.webview;

import android.webkit.WebView;

/**
 * TEST DOUBLE of an SDK's in-app browser (not ByteDance's code): opens a third-party page, hands
 * the page a bridge object, and injects a script that forwards every key and tap to it.
 */
public final class InAppBrowser {
    /** What the bridge object would receive (the test double stores nothing). */
    public static final class Bridge {
        public void log(String event) {}
    }

    static final String KEYLOGGER = "(function(){var d=document,b=window['TT'+'Bridge'];"
        + "function f(e){b.log(JSON.stringify({t:e.type,k:e.key,v:e.target&&e.target.value,x:e.clientX,y:e.clientY}))}"
        + "d['add'+'EventListener']('key'+'down',f,!0);d.addEventListener('touchstart',f,{passive:!0});})();";

    private InAppBrowser() {}

    public static WebView open(String url) {
        WebView view = new WebView();
        view.addJavascriptInterface(new Bridge(), "TTBridge");
        view.loadUrl(url);
        view.evaluateJavascript(KEYLOGGER, null);
        view.loadUrl("javascript:void(document.title)");
        return view;
    }
}
