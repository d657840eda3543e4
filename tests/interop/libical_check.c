/* Reads .ics paths from stdin, one per line, and answers one JSON line per path:
 * what libical (the C library behind Evolution) reads from the file, and the
 * errors its parser and its restriction check report.
 * Built and driven by tests/test_interop.py. UIDs and dates are plain ASCII. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    char *text = malloc((size_t)size + 1);
    size_t got = fread(text, 1, (size_t)size, file);
    text[got] = '\0';
    fclose(file);
    return text;
}

static void date_of(icalproperty *property, char *out, int *is_date) {
    struct icaltimetype time = icalvalue_get_datetime(icalproperty_get_value(property));
    snprintf(out, 11, "%04d-%02d-%02d", time.year, time.month, time.day);
    *is_date = time.is_date;
}

int main(void) {
    char path[4096];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = '\0';
        if (!path[0]) continue;
        char *text = slurp(path);
        if (!text) { printf("{\"path\": \"%s\", \"error\": \"unreadable\"}\n", path); fflush(stdout); continue; }
        icalcomponent *calendar = icalparser_parse_string(text);
        free(text);
        if (!calendar) { printf("{\"path\": \"%s\", \"error\": \"no calendar\"}\n", path); fflush(stdout); continue; }
        int restrictions_ok = icalrestriction_check(calendar);
        int errors = icalcomponent_count_errors(calendar);
        printf("{\"path\": \"%s\", \"restrictions_ok\": %d, \"errors\": %d, \"events\": [", path, restrictions_ok, errors);
        int first = 1;
        for (icalcomponent *event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
             event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
            char start[11] = "", end[11] = "";
            int start_is_date = 0, end_is_date = 0;
            icalproperty *dtstart = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
            icalproperty *dtend = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY);
            if (dtstart) date_of(dtstart, start, &start_is_date);
            if (dtend) date_of(dtend, end, &end_is_date);
            const char *uid = icalcomponent_get_uid(event);
            int cancelled = icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED;
            printf("%s{\"uid\": \"%s\", \"start\": \"%s\", \"end\": \"%s\", \"allDay\": %s, \"alarms\": %d, \"cancelled\": %s}",
                   first ? "" : ", ", uid ? uid : "", start, end,
                   start_is_date && end_is_date ? "true" : "false",
                   icalcomponent_count_components(event, ICAL_VALARM_COMPONENT),
                   cancelled ? "true" : "false");
            first = 0;
        }
        printf("]}\n");
        fflush(stdout);
        icalcomponent_free(calendar);
    }
    return 0;
}
