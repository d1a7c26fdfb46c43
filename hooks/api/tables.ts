/* Pure helpers of the api agent (no Frida APIs): URI -> data category, int -> IPv4. */

const URI_CATEGORIES: [RegExp, string][] = [
    [/^content:\/\/(com\.android\.contacts|contacts)(\/|$)/, "contacts"],
    [/^content:\/\/call_log(\/|$)/, "contacts"],
    [/^content:\/\/(sms|mms|mms-sms)(\/|$)/, "user_content"],
    [/^content:\/\/com\.android\.calendar(\/|$)/, "user_content"],
    [/^content:\/\/media\//, "user_content"],
    [/^content:\/\/com\.android\.browser/, "app_activity"],
];

export function categoryForUri(uri: string): string | null {
    for (const [re, category] of URI_CATEGORIES) {
        if (re.test(uri)) {
            return category;
        }
    }
    return null;
}

/** WifiInfo.getIpAddress(): little-endian int -> dotted quad. */
export function ipv4FromInt(n: number): string {
    const u = n >>> 0;
    return `${u & 0xff}.${(u >>> 8) & 0xff}.${(u >>> 16) & 0xff}.${(u >>> 24) & 0xff}`;
}
