package android.content;

/** TEST DOUBLE of android.content.ClipData with one text item. */
public class ClipData {
    public static class Item {
        private final CharSequence text;

        public Item(CharSequence text) { this.text = text; }

        public CharSequence getText() { return text; }
    }

    private final Item item;

    public ClipData(CharSequence text) { this.item = new Item(text); }

    public int getItemCount() { return 1; }

    public Item getItemAt(int index) { return item; }
}
