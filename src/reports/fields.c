/* fields.c — the fields of an offer report and the table of column names
 * that mean each one. A header is matched with its case, spaces,
 * underscores and punctuation ignored ("Total Comp", "total_comp" and
 * "totalcomp" are one name); --map covers every other name. */
#include <string.h>

#include "reports/reports_internal.h"

static const char *const names[PB__F_COUNT + 1] = {
    [PB__F_COMPANY] = "company",     [PB__F_TITLE] = "title",
    [PB__F_LEVEL] = "level",         [PB__F_LOCATION] = "location",
    [PB__F_COUNTRY] = "country",     [PB__F_YEARS] = "years",
    [PB__F_YEARS_AT] = "years_at_company", [PB__F_BASE] = "base",
    [PB__F_EQUITY] = "equity",       [PB__F_BONUS] = "bonus",
    [PB__F_TOTAL] = "total",         [PB__F_TOTAL_USD] = "total_usd",
    [PB__F_CURRENCY] = "currency",   [PB__F_DATE] = "date",
    [PB__F_TAG] = "tag",             [PB__F_IGNORE] = "ignore",
};

/* Other names --map accepts for a field. */
static const struct {
    const char *name;
    int field;
} map_synonyms[] = {
    {"role", PB__F_TITLE},          {"region", PB__F_LOCATION},
    {"yoe", PB__F_YEARS},           {"years_of_experience", PB__F_YEARS},
    {"stock", PB__F_EQUITY},        {"tc", PB__F_TOTAL},
    {"specialisation", PB__F_TAG},  {"specialization", PB__F_TAG},
};

/* Column names (folded: lower-case letters and digits only) and their field. */
static const struct {
    const char *header;
    int field;
} headers[] = {
    {"company", PB__F_COMPANY},
    {"companyname", PB__F_COMPANY},
    {"employer", PB__F_COMPANY},
    {"employername", PB__F_COMPANY},
    {"organization", PB__F_COMPANY},
    {"organisation", PB__F_COMPANY},
    {"title", PB__F_TITLE},
    {"jobtitle", PB__F_TITLE},
    {"role", PB__F_TITLE},
    {"jobrole", PB__F_TITLE},
    {"position", PB__F_TITLE},
    {"level", PB__F_LEVEL},
    {"joblevel", PB__F_LEVEL},
    {"careerlevel", PB__F_LEVEL},
    {"grade", PB__F_LEVEL},
    {"experiencelevel", PB__F_LEVEL},
    {"seniority", PB__F_LEVEL},
    {"location", PB__F_LOCATION},
    {"city", PB__F_LOCATION},
    {"companylocation", PB__F_LOCATION},
    {"worklocation", PB__F_LOCATION},
    {"officelocation", PB__F_LOCATION},
    {"office", PB__F_LOCATION},
    {"region", PB__F_LOCATION},
    {"country", PB__F_COUNTRY},
    {"countrycode", PB__F_COUNTRY},
    {"years", PB__F_YEARS},
    {"yearsofexperience", PB__F_YEARS},
    {"totalyearsofexperience", PB__F_YEARS},
    {"yearsexperience", PB__F_YEARS},
    {"yearsexp", PB__F_YEARS},
    {"yoe", PB__F_YEARS},
    {"experience", PB__F_YEARS},
    {"workexp", PB__F_YEARS},
    {"yearsatcompany", PB__F_YEARS_AT},
    {"yearsatemployer", PB__F_YEARS_AT},
    {"tenure", PB__F_YEARS_AT},
    {"basesalary", PB__F_BASE},
    {"base", PB__F_BASE},
    {"basepay", PB__F_BASE},
    {"stockgrantvalue", PB__F_EQUITY},
    {"stockgrant", PB__F_EQUITY},
    {"stock", PB__F_EQUITY},
    {"stockperyear", PB__F_EQUITY},
    {"stockvalue", PB__F_EQUITY},
    {"equity", PB__F_EQUITY},
    {"equityperyear", PB__F_EQUITY},
    {"annualequity", PB__F_EQUITY},
    {"rsu", PB__F_EQUITY},
    {"rsus", PB__F_EQUITY},
    {"bonus", PB__F_BONUS},
    {"annualbonus", PB__F_BONUS},
    {"bonusamount", PB__F_BONUS},
    {"totalyearlycompensation", PB__F_TOTAL},
    {"totalcomp", PB__F_TOTAL},
    {"totalcompensation", PB__F_TOTAL},
    {"totalannualcompensation", PB__F_TOTAL},
    {"tc", PB__F_TOTAL},
    {"total", PB__F_TOTAL},
    {"totalpay", PB__F_TOTAL},
    {"yearlycompensation", PB__F_TOTAL},
    {"annualcompensation", PB__F_TOTAL},
    {"comptotal", PB__F_TOTAL},
    {"salaryinusd", PB__F_TOTAL_USD},
    {"totalcompusd", PB__F_TOTAL_USD},
    {"currency", PB__F_CURRENCY},
    {"currencycode", PB__F_CURRENCY},
    {"timestamp", PB__F_DATE},
    {"date", PB__F_DATE},
    {"reportdate", PB__F_DATE},
    {"offerdate", PB__F_DATE},
    {"submitted", PB__F_DATE},
    {"submittedat", PB__F_DATE},
    {"submissiondate", PB__F_DATE},
    {"createdat", PB__F_DATE},
    {"workyear", PB__F_DATE},
    {"year", PB__F_DATE},
    {"tag", PB__F_TAG},
    {"specialization", PB__F_TAG},
    {"specialisation", PB__F_TAG},
    {"focus", PB__F_TAG},
    {"team", PB__F_TAG},
    {"domain", PB__F_TAG},
};

int pb__field_of_header(const char *header, size_t n)
{
    char folded[64];
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)header[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (o + 1 >= sizeof folded)
                return PB__F_NONE;
            folded[o++] = (char)c;
        }
    }
    folded[o] = '\0';
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        if (strcmp(headers[i].header, folded) == 0)
            return headers[i].field;
    return PB__F_NONE;
}

int pb__field_of_name(const char *name)
{
    for (int f = 0; f <= PB__F_IGNORE; f++)
        if (strcmp(names[f], name) == 0)
            return f;
    for (size_t i = 0; i < sizeof map_synonyms / sizeof map_synonyms[0]; i++)
        if (strcmp(map_synonyms[i].name, name) == 0)
            return map_synonyms[i].field;
    return PB__F_NONE;
}

const char *pb__field_name(int field)
{
    return field >= 0 && field <= PB__F_IGNORE ? names[field] : "none";
}
