/* The most common passwords of at least 8 characters (shorter ones are refused by
 * length anyway), lower case and sorted for bsearch: the top of breach-derived lists
 * such as the NCSC "100,000 most common passwords" and SecLists' most common
 * credentials. NIST SP 800-63B asks verifiers to refuse such passwords; a short list
 * catches the ones attackers try first without annoying anyone. */
#include "server/password.h"

const char *const password_common[] = {
    "00000000", "0987654321", "11111111", "111111111", "1111111111", "11223344",
    "123123123", "12341234", "12345678", "123456789", "1234567890", "123456789a",
    "12345678a", "1234abcd", "1234qwer", "123654789", "123abc123", "123qweasd", "12qwaszx",
    "147258369", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "1qazxsw2", "22222222", "33333333",
    "44444444", "5201314520", "55555555", "66666666", "77777777", "87654321", "88888888",
    "987654321", "99999999", "999999999", "a12345678", "a1b2c3d4", "aaaaaaaa", "abc12345",
    "abcd1234", "abcdefgh", "access14", "admin123", "administrator", "arsenal1", "asdfghjk",
    "asdfghjkl", "babygirl1", "baseball", "baseball1", "basketball", "batman123",
    "blink182", "butterfly", "changeme", "changeme123", "charlie1", "chelsea1", "chocolate",
    "computer", "cookie123", "corvette", "default1", "diamond1", "dragon12", "dropbox1",
    "facebook", "football", "football1", "freedom1", "google123", "hello123", "hellohello",
    "hockey12", "iloveu123", "iloveyou", "iloveyou1", "iloveyou2", "internet", "jennifer",
    "jessica1", "jordan23", "killer12", "letmein1", "letmein123", "linkedin", "liverpool",
    "lovely123", "loveyou1", "master12", "matthew1", "maverick", "mercedes", "michael1",
    "michelle", "midnight", "monkey123", "mustang1", "p@ssw0rd", "p@ssword", "passw0rd",
    "password", "password!", "password01", "password1", "password12", "password123",
    "password2", "pepper123", "pokemon1", "princess", "princess1", "q1w2e3r4", "q1w2e3r4t5",
    "qazwsxedc", "qweasdzxc", "qwer1234", "qwerty12", "qwerty123", "qwerty1234", "qwertyui",
    "qwertyuiop", "samsung1", "secret123", "shadow12", "snoopy12", "soccer12", "spiderman",
    "starwars", "starwars1", "sunshine", "sunshine1", "superman", "thomas12", "trustno1",
    "trustno11", "welcome1", "welcome12", "welcome123", "whatever", "x123456789",
    "yankees1", "zaq12wsx", "zaq1zaq1", "zxcvbnm1", "zxcvbnm123",
};

const size_t password_common_count = sizeof password_common / sizeof password_common[0];
