"""Prints where `make install-python` puts the package for a PREFIX.

Debian's Python looks in /usr/lib/python3/dist-packages (PREFIX=/usr) and
/usr/local/lib/python3.X/dist-packages (PREFIX=/usr/local); any other prefix
gets the standard PREFIX/lib/python3.X/site-packages, which goes on
PYTHONPATH. Set PYTHON_SITEDIR to choose another place.
"""
import sys
import sysconfig

prefix = sys.argv[1].rstrip("/") or "/"
version = "%d.%d" % sys.version_info[:2]
debian = "deb_system" in sysconfig.get_scheme_names()
if debian and prefix == "/usr":
    print("/usr/lib/python3/dist-packages")
elif debian and prefix == "/usr/local":
    print(f"/usr/local/lib/python{version}/dist-packages")
else:
    print(sysconfig.get_path("platlib", "posix_prefix",
                             {"base": prefix, "platbase": prefix}))
