"""All user-facing error messages, with stable codes (after spaCy's errors.py).

Codes let a user search for a message and let tests assert on the kind of failure
without matching prose. Messages say what is wrong and what to do.
"""

from __future__ import annotations


class ErrorsWithCodes(type):
    def __getattribute__(cls, code: str) -> str:
        msg = super().__getattribute__(code)
        if code.startswith("__"):
            return msg
        return f"[{code}] {msg}"


class Errors(metaclass=ErrorsWithCodes):
    # reading a page (these end up in documents.error)
    E101 = "file is empty"
    E102 = "file looks binary ({kind}), not a web page or text dump"
    E103 = "could not decode the bytes as text with any candidate encoding"
    E104 = "file is {size} bytes, over the --max-file-bytes limit of {limit}"
    E105 = "decompressed content passed the --max-decompressed-bytes limit of {limit} (possible gzip bomb)"
    E106 = "compressed stream is truncated or corrupt: {detail}"
    E107 = "JSON-lines record {line} is not valid JSON: {detail}"
    E108 = "JSON-lines record {line} has no 'html' or 'text' field"
    E109 = "WARC file is truncated or corrupt: {detail}"
    E110 = "could not read the file: {detail}"
    E111 = "markup is nested {depth} levels deep, over the --max-depth limit of {limit}"
    E112 = "WARC file holds no HTML response records"
    # processing a page
    E201 = "stage '{stage}' failed: {detail}"
    E202 = "page took longer than the --page-timeout of {seconds} s and was stopped"
    E203 = "worker process died while processing this page ({detail})"
    E204 = "no main content was found"
    E205 = "clean text is {chars} characters, under the config's min_text_chars threshold of {limit}"
    # the user's invocation (one line, non-zero exit)
    E301 = "input folder '{path}' does not exist; pass the folder holding your scraped pages"
    E302 = "input folder '{path}' holds no files; point cleanhealth at a folder of pages"
    E303 = "output folder '{path}' is not writable: {detail}; choose another --out"
    E304 = ("output folder '{path}' holds files that are not a cleanhealth dataset ({names}); "
            "cleanhealth never deletes your files: choose an empty or new --out folder")
    E305 = "'{path}' is not a cleanhealth output folder (no run.json); run `cleanhealth run` first"
    E306 = "conflicting options: {detail}"
    E307 = "input '{path}' is not a folder or file"
    E308 = "config file '{path}': {detail}"
    E309 = "page '{path}' does not exist or is not a file; pass one saved page to explain"
    E310 = "'{path}' holds {count} page(s); --record {record} is out of range (use 0 to {last})"
    E311 = "cannot write '{path}': {detail}"
    E312 = "option {option} must be {rule}, got {value}; fix the value and run again"
    E313 = ("input folder '{path}' is a cleanhealth output folder, not scraped pages; "
            "pass the folder your crawler wrote")
    # programming errors
    E900 = "unknown removal reason '{reason}'; known reasons: {known}"


class CleanhealthError(Exception):
    """An error the user can fix; the CLI prints its message on one line and exits 2."""
