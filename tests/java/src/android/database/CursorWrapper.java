package android.database;

/** TEST DOUBLE of android.database.CursorWrapper, backed by an in-memory table. */
public class CursorWrapper implements Cursor {
    private final String[] columns;
    private final String[][] rows;
    private int position = -1;

    public CursorWrapper(String[] columns, String[][] rows) {
        this.columns = columns;
        this.rows = rows;
    }

    public boolean moveToNext() { return ++position < rows.length; }

    public int getColumnIndex(String name) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(name)) return i;
        }
        return -1;
    }

    public String getColumnName(int index) { return columns[index]; }

    public String getString(int index) { return rows[position][index]; }

    public void close() { position = rows.length; }
}
