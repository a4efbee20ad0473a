"""python3 client.py SOCKET IMPLEMENTATION INPUT OUTPUT [--trim B] [--byzantine F]: one call to server.py."""
import socket, sys

args = sys.argv[1:]
trim, byzantine = "0.2", "1"
if "--trim" in args:
    i = args.index("--trim"); trim = args[i + 1]; del args[i:i + 2]
if "--byzantine" in args:
    i = args.index("--byzantine"); byzantine = args[i + 1]; del args[i:i + 2]
path, name, input_path, output_path = args
import time
for attempt in range(50):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        break
    except (ConnectionRefusedError, BlockingIOError):
        # The server's listen queue is full: not a failure of the implementation.
        s.close()
        time.sleep(0.1)
else:
    sys.stderr.write("client: cannot connect to " + path + "\n")
    sys.exit(2)
s.sendall(f"{name} {input_path} {output_path} {trim} {byzantine}\n".encode())
reply = b""
while not reply.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    reply += chunk
text = reply.decode().strip()
if text != "ok":
    sys.stderr.write(text + "\n")
    sys.exit(1)
