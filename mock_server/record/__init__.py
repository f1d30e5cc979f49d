"""``mock-server record``: learn fixtures from a real server (through the validating proxy) or a browser capture.

``learning`` keeps what the answers teach (callers, models merged by id); ``roles`` picks the harness profile
of a recording; ``writing`` writes both files atomically; ``recorder`` is the proxy's hook and decides which
exchanges teach anything; ``har`` feeds it a capture's entries; ``cli`` is the subcommand.
"""

from mock_server.record.learning import Learning, Learnt, Recording
from mock_server.record.recorder import Recorder
from mock_server.record.writing import Output

__all__ = ["Learning", "Learnt", "Output", "Recorder", "Recording"]
