#!/bin/sh
echo "coverage is not supported in omc's offline build" >&2
exit 1
