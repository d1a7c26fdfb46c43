package android.content;

import android.database.Cursor;
import android.database.CursorWrapper;
import android.net.Uri;

/** TEST DOUBLE of android.content.ContentResolver: query() answers the contacts URI with two fake contacts. */
public class ContentResolver {
    public final Cursor query(Uri uri, String[] projection, String selection, String[] selectionArgs, String sortOrder) {
        if (uri.toString().startsWith("content://com.android.contacts")) {
            return new CursorWrapper(
                new String[] {"display_name", "data1"},
                new String[][] {{"Bob Example", "bob@example.org"}, {"Carol Example", "+4915112345678"}});
        }
        return new CursorWrapper(new String[0], new String[0][]);
    }
}
