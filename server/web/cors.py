"""Open CORS for reading: Linked Data and dumps are public, and scripts on other sites may fetch them."""

from flask import Blueprint, request

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def open_for_reading(bp: Blueprint) -> Blueprint:
    @bp.after_request
    def _cors(resp):
        if request.method in READ_METHODS:
            resp.headers["Access-Control-Allow-Origin"] = "*"
            resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Accept"
            resp.headers["Access-Control-Expose-Headers"] = "Content-Location, Link, Vary"
        return resp

    return bp
