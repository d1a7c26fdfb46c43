package android.content;

/** TEST DOUBLE of android.content.Context (only what the doubles need). */
public class Context {
    private final ContentResolver resolver = new ContentResolver();
    private final ClipboardManager clipboard = new ClipboardManager();

    public ContentResolver getContentResolver() { return resolver; }

    public Object getSystemService(String name) {
        return "clipboard".equals(name) ? clipboard : null;
    }
}
