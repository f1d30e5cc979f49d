"""Where the proxy's judge was: it is ``vendor_specs``' one exchange judge now (``vendor_specs/_judge.py``).

Kept for the imports that still name this module (the recorder's); new code imports from ``vendor_specs``.
"""

from vendor_specs import HttpExchange as Exchange
from vendor_specs import Judge, Verdict

__all__ = ["Exchange", "Judge", "Verdict"]
