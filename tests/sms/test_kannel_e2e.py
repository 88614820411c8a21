"""End to end through a REAL Kannel: fakesmsc (a simulated phone network) -> bearerbox -> smsbox
-> Ramani's get-url; replies from Ramani's outbox worker -> smsbox sendsms -> bearerbox -> fakesmsc."""

import datetime as dt
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import LiveServer, free_port

TODAY = dt.date.today().isoformat()  # `ramani demo` loads synthetic prices up to today: the survey is as recent

FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
PHONE = "243812345678"
pytestmark = pytest.mark.skipif(
    not shutil.which("bearerbox") or not Path(FAKESMSC).exists(),
    reason="Kannel (apt-get install kannel kannel-extras) is not installed",
)

CONF = """
group = core
admin-port = {admin}
admin-password = admin-secret
smsbox-port = {smsbox}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {fake}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 1

group = sendsms-user
username = ramani
password = send-secret

group = sms-service
keyword = default
catch-all = yes
max-messages = 0
get-url = "{ramani}/sms/kannel/vodacom/receive?key={key}&sender=%p&to=%P&text=%a&id=%I&ts=%T"
"""


class Phone:
    """fakesmsc in interactive mode: lines we type are SMS from the phone; MT messages are logged."""

    def __init__(self, port: int, folder: Path):
        self.log = folder / "fakesmsc.log"
        self.out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(port), "-i", "0.05"],
            stdin=subprocess.PIPE,
            stdout=self.out,
            stderr=subprocess.STDOUT,
        )

    def send(self, text: str) -> None:
        self.proc.stdin.write(f"{PHONE} 1234 text {text}\n".encode())
        self.proc.stdin.flush()

    def received(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines()
        return [ln.split(" text ", 1)[1] for ln in lines if "Got message" in ln and " text " in ln]

    def wait_for(self, count: int, seconds: float = 30) -> list[str]:
        end = time.time() + seconds
        while time.time() < end:
            got = self.received()
            if len(got) >= count:
                return got
            time.sleep(0.2)
        raise AssertionError(f"phone got {self.received()} (wanted {count})\n" + self.log.read_text()[-2000:])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(5)
        self.proc.stdin.close()
        self.out.close()


@pytest.fixture
def kannel_stack(tmp_path):
    server = LiveServer(tmp_path, sites=20)
    ports = {k: free_port() for k in ("admin", "smsbox", "fake", "sendsms")}
    conf = tmp_path / "kannel.conf"
    key = secrets.token_urlsafe(24)  # the channel key: Kannel cannot sign, its get-url carries the key
    conf.write_text(CONF.format(dir=tmp_path, ramani=server.url, key=key, **ports))
    cli = [sys.executable, "-m", "ramani.cli"]
    subprocess.run(
        [
            *cli,
            "sms",
            "channel",
            "add",
            "kannel",
            "vodacom",
            "--number",
            "1234",
            "--set",
            f"key={key}",
            "--set",
            f"url=http://127.0.0.1:{ports['sendsms']}",
            "--set",
            "username=ramani",
            "--set",
            "password=send-secret",
            "--set",
            f"dlr_base={server.url}",
        ],
        env=server.env,
        check=True,
        capture_output=True,
    )
    prices = tmp_path / "prices.csv"
    prices.write_text(
        f"mineral,market,unit,currency,price,date,source\nor,Bukavu,g,USD,62.50,{TODAY},Comptoir survey\n",
        encoding="utf-8",
    )
    subprocess.run([*cli, "import", "prices", str(prices)], env=server.env, check=True, capture_output=True)
    procs = [subprocess.Popen(["bearerbox", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(1)
    procs.append(subprocess.Popen(["smsbox", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    worker_log = (tmp_path / "worker.log").open("wb")
    procs.append(
        subprocess.Popen(
            [*cli, "sms", "worker", "--interval", "0.2"], env=server.env, stdout=worker_log, stderr=subprocess.STDOUT
        )
    )
    time.sleep(1.5)
    phone = Phone(ports["fake"], tmp_path)
    yield server, phone, tmp_path
    phone.stop()
    for p in reversed(procs):
        p.terminate()
        p.wait(10)
    worker_log.close()
    server.stop()


def test_a_basic_phone_talks_to_ramani_through_kannel(kannel_stack):
    server, phone, folder = kannel_stack
    phone.send("msaada")
    got = phone.wait_for(1)
    assert got[0].startswith("Ramani: tuma KUFATILIA")
    phone.send("matokeo dhahabu")
    got = phone.wait_for(2)
    assert f"Dhahabu: 62.5 USD/g Bukavu, {TODAY}" in got[1]  # today's survey, not the demo's synthetic price
    # the number is stored only hashed and sealed; nothing in the logs of Ramani shows it
    rows = server.sql("SELECT sender_hash, text, status FROM sms_inbound ORDER BY id")
    assert [r[1:] for r in rows] == [("msaada", "processed"), ("matokeo dhahabu", "processed")]
    assert all(len(r[0]) == 64 for r in rows)
    assert server.sql("SELECT status FROM sms_outbound ORDER BY id") in (
        [("sent",), ("sent",)],
        [("delivered",), ("delivered",)],
        [("sent",), ("delivered",)],
        [("delivered",), ("sent",)],
    )
    # Kufatilia, every question answered in Swahili, through the same real gateway
    territoire, province = server.sql("SELECT territoire, province FROM sites_site ORDER BY id LIMIT 1")[0]
    answers = ["kufatilia", "1", "4", territoire, "jana", "Askari wanatoza kodi kwenye kizuizi cha barabara"]
    expected = ["Kufatilia: chagua lugha", "Tukio gani?", "Wapi?", "Lini?", "Eleza", "Asante. Ripoti yako: "]
    for n, (answer, start) in enumerate(zip(answers, expected)):
        phone.send(answer)
        got = phone.wait_for(3 + n)
        assert got[2 + n].startswith(start), got[2 + n]
    report_id = got[-1].split("Ripoti yako: ")[1][:8]
    assert server.sql(
        "SELECT category, territoire, province, language FROM incidents_incident WHERE report_id = ?", report_id
    ) == [("roadblock", territoire, province, "sw")]
    # the fake phone's number is nowhere in clear: not in any table, nor in Ramani's logs
    assert "sms_inbound" in server.tables()
    for table in server.tables():
        for row in server.sql(f'SELECT * FROM "{table}"'):
            assert not any(isinstance(v, str) and "812345678" in v for v in row), table
    for log in (server.log_path, folder / "worker.log"):
        assert "812345678" not in log.read_text(errors="replace")
