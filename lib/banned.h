/*
 * banned.h - functions that must not be used in crm.
 *
 * Included last by every source file (through crm.h).  Each banned call
 * becomes a compile error naming the reason.  Use struct crm_buf instead of
 * the string calls and gmtime_r() instead of the time calls.
 */
#ifndef CRM_BANNED_H
#define CRM_BANNED_H

#define BANNED(f) sorry_##f##_is_banned_in_crm

#undef strcpy
#define strcpy(a, b) BANNED(strcpy)
#undef strcat
#define strcat(a, b) BANNED(strcat)
#undef strncpy
#define strncpy(a, b, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(a, b) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef atoi
#define atoi(s) BANNED(atoi)

#endif
