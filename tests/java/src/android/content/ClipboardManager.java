package android.content;

/** TEST DOUBLE of android.content.ClipboardManager: the clipboard holds a fake one-time code. */
public class ClipboardManager {
    public ClipData getPrimaryClip() { return new ClipData("otp: 493817 for alice"); }
}
