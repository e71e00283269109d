import os.path
import numpy as np
from .util import helper as h, other
class Store(Base):
    def get(self, key: str) -> str:
        def inner(): pass
        return self.db.fetch(key)
MAX = 5
def top(a, b=1, *args): return os.path.join(a, b)
