"""Loads the implementations once and serves calls on a Unix socket, so a
campaign does not pay the interpreter and torch start-up per call:

    python3 server.py /tmp/agg.sock &
    bgmd conformance --exec 'python3 client.py /tmp/agg.sock byzfl-krum {input} {output} --byzantine 1' ...

Each connection sends one line "IMPLEMENTATION INPUT OUTPUT TRIM BYZANTINE"
and gets "ok" or "error: <traceback>". An exception in the implementation is
an error reply (the client exits 1: a crash for bgmd); a hang keeps the
client waiting until bgmd's time limit kills it.
"""
import os, socketserver, sys, traceback
import implementations


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode().strip()
        try:
            name, input_path, output_path, trim, byzantine = line.split(" ")
            implementations.run(name, input_path, output_path, trim=float(trim), byzantine=int(byzantine))
            self.wfile.write(b"ok\n")
        except Exception:
            self.wfile.write(("error: " + traceback.format_exc().replace("\n", " | ") + "\n").encode())


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    # Several campaigns at once: a short listen queue would refuse connections.
    request_queue_size = 256


if __name__ == "__main__":
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    # Import the heavy modules before the first call.
    for warm in sys.argv[2:]:
        if warm == "byzfl":
            implementations._byzfl_aggregators()
        else:
            __import__(warm)
    with Server(path, Handler) as server:
        server.serve_forever()
