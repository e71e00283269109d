#include <stdlib.h>
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define LIMIT 10
typedef struct buf { char *data; size_t len; } buf_t;
static int counter = 0;
const char *names[] = {"a"};
buf_t *buf_new(size_t n);
static char **split(const char *s, int *count) { return NULL; }
int buf_len(const buf_t *b) {
    int n = b->len + LIMIT;
    return MAX(n, counter) + strlen(b->data);
}
