package android.webkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** TEST DOUBLE of android.webkit.WebView: remembers the page and the objects handed to pages; runs nothing. */
public class WebView {
    private String url;
    private final Map<String, Object> interfaces = new LinkedHashMap<>();

    public void loadUrl(String url) {
        if (!url.startsWith("javascript:")) {
            this.url = url;
        }
    }

    public String getUrl() {
        return url;
    }

    public void addJavascriptInterface(Object object, String name) {
        interfaces.put(name, object);
    }

    public void evaluateJavascript(String script, ValueCallback<String> resultCallback) {
        if (resultCallback != null) {
            resultCallback.onReceiveValue("null");
        }
    }
}
