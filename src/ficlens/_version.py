"""The package version, in a leaf module so that any module can read it without importing the
package's top level (which would point an import back up the tree)."""

__version__ = "0.1.0"
