/* test_fileio.c — whole-file reads (src/core/fileio.c): text, empty files, and
 * the messages for a missing file, a directory, an oversized file and
 * binary data. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/fileio.h"

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/payband-test-XXXXXX");
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/file.txt", dir);
}

static void teardown(void)
{
    pb__alloc_fail_after(0);
    unlink(path);
    rmdir(dir);
}

TestSuite(fileio, .init = setup, .fini = teardown);

static void write_file(const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

/* Write the `n` bytes of `data` and read them back under the limit
 * `limit`: the same bytes, their length, and a NUL after them. */
static void expect_reads_back(const char *data, size_t n, size_t limit)
{
    write_file(data, n);
    char *text = NULL;
    size_t len = n + 1;
    pb__diag diag;
    cr_assert_eq(pb__read_file(path, limit, &text, &len, &diag), PB_OK, "%s", diag.msg);
    cr_assert_eq(len, n);
    cr_expect(memcmp(text, data, n) == 0);
    cr_expect_eq(text[n], '\0');
    pb__free(text);
}

Test(fileio, reads_text_and_terminates_it)
{
    expect_reads_back("a: 1\nb: 2\n", 10, 100);
}

Test(fileio, empty_file_is_empty_text)
{
    expect_reads_back("", 0, 100);
}

Test(fileio, large_file_grows_the_buffer)
{
    size_t n = 300000;
    char *data = malloc(n);
    cr_assert(data);
    for (size_t i = 0; i < n; i++)
        data[i] = i % 80 == 79 ? '\n' : (char)('a' + i % 26);
    expect_reads_back(data, n, n);
    free(data);
}

Test(fileio, errors_name_the_file_and_the_reason)
{
    char *text = (char *)1;
    size_t len = 0;
    pb__diag diag;
    char want[256];

    cr_expect_eq(pb__read_file(path, 100, &text, &len, &diag), PB_ERR_IO);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    cr_expect_str_eq(diag.msg, want);

    cr_expect_eq(pb__read_file(dir, 100, &text, &len, &diag), PB_ERR_IO);
    snprintf(want, sizeof want, "%s: read error: Is a directory", dir);
    cr_expect_str_eq(diag.msg, want);

    write_file("0123456789", 10);
    cr_expect_eq(pb__read_file(path, 9, &text, &len, &diag), PB_ERR_RANGE);
    snprintf(want, sizeof want, "%s: file is larger than 9 bytes", path);
    cr_expect_str_eq(diag.msg, want);
    cr_expect_eq(pb__read_file(path, 10, &text, &len, &diag), PB_OK, "exactly the limit");
    pb__free(text);
    text = (char *)1;

    write_file("one\ntwo\nth\0ree\n", 15);
    cr_expect_eq(pb__read_file(path, 100, &text, &len, &diag), PB_ERR_PARSE);
    snprintf(want, sizeof want, "%s:3: not a text file: a NUL byte at byte 10", path);
    cr_expect_str_eq(diag.msg, want);
    cr_expect_eq(text, (char *)1, "nothing returned on failure");
}

Test(fileio, allocation_failure)
{
    write_file("x\n", 2);
    char *text = NULL;
    size_t len = 0;
    pb__diag diag;
    pb__alloc_fail_after(1);
    cr_expect_eq(pb__read_file(path, 100, &text, &len, &diag), PB_ERR_NOMEM);
    pb__alloc_fail_after(0);
    char want[256];
    snprintf(want, sizeof want, "%s: out of memory", path);
    cr_expect_str_eq(diag.msg, want);
}
