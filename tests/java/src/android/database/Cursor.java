package android.database;

/** TEST DOUBLE of android.database.Cursor (subset). */
public interface Cursor {
    boolean moveToNext();
    int getColumnIndex(String name);
    String getColumnName(int index);
    String getString(int index);
    void close();
}
