"""The package layout and the cffi extension; the metadata is in pyproject.toml."""
from setuptools import setup
from setuptools.command.build_ext import build_ext


class build_ext_always(build_ext):
    """Always relink: where libmuc lives (and so the run-time path baked into
    the extension) can change between builds while the sources do not."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.force = True


setup(package_dir={"": "src"},
      packages=["libmuc"],
      package_data={"libmuc": ["py.typed", "_libmuc_cffi.pyi"]},
      cffi_modules=["libmuc_build.py:ffibuilder"],
      cmdclass={"build_ext": build_ext_always})
