package android.webkit;

/** TEST DOUBLE of android.webkit.ValueCallback. */
public interface ValueCallback<T> {
    void onReceiveValue(T value);
}
