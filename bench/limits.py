"""Memory and time of the reading limits: a 25 MB attachment and a 1,000-page PDF.

Each case is built once under /tmp, then read by ``nombot``'s analysis in a fresh Python
process whose peak resident memory (ru_maxrss) is reported, next to the memory of the
same process doing nothing but importing the bot. Run:
``.venv/bin/python bench/limits.py``.
"""

import os
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "nombot-bench-limits"

# VmHWM is the peak resident memory of this process image (ru_maxrss would include the
# parent's peak, which Linux carries across execve).
PROBE = """
import sys, time
sys.path.insert(0, {root!r})
from bot.reading.analysis import AnalysisContext, analyse
from bot.config import LimitsConfig
limits = LimitsConfig(max_attachment_bytes={limit})
raw = open({path!r}, "rb").read() if {path!r} else b""
start = time.perf_counter()
result = analyse(raw, AnalysisContext(limits=limits)) if raw else None
elapsed = time.perf_counter() - start
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(f"{{peak:.0f}}|{{elapsed:.2f}}|{{'; '.join(result.warnings) if result else ''}}")
"""


def _message(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Samuel Kiprono <s.kiprono@environment.go.ke>"
    message["To"] = "secretariat@cbd.int"
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{abs(hash(subject))}@environment.go.ke>"
    message["Date"] = "Tue, 08 Jul 2025 16:13:55 +0300"
    message.set_content(body)
    return message


def large_attachment(path: Path, megabytes: int = 25) -> Path:
    if not path.exists():
        message = _message(
            "Nomination with annexes - Online Forum",
            "Dear Secretariat,\n\nKenya nominates Dr. Jane Mwangi "
            "(jane.mwangi@biosafetykenya.go.ke). The annex is attached.\n",
        )
        message.add_attachment(
            os.urandom(megabytes * 1024 * 1024),
            maintype="application",
            subtype="pdf",
            filename="annex-scans.pdf",
        )
        path.write_bytes(message.as_bytes())
    return path


def long_pdf(path: Path, pages: int = 1000) -> Path:
    if not path.exists():
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_font("helvetica", size=11)
        for number in range(1, pages + 1):
            pdf.add_page()
            pdf.cell(0, 10, f"Annex page {number}: national biosafety framework, section {number}.")
        message = _message(
            "Nomination and framework - Online Forum",
            "Dear Secretariat,\n\nKenya nominates Mr. Peter Otieno "
            "(p.otieno@kephis.go.ke). Our framework is attached.\n",
        )
        message.add_attachment(
            bytes(pdf.output()), maintype="application", subtype="pdf", filename="framework.pdf"
        )
        path.write_bytes(message.as_bytes())
    return path


def measure(path: Path | None, limit: int = 15 * 1024 * 1024) -> tuple[float, float, str]:
    code = PROBE.format(root=str(ROOT), path=str(path) if path else "", limit=limit)
    output = (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    peak, elapsed, warnings = output.split("|", 2)
    return float(peak), float(elapsed), warnings


def report() -> None:
    WORK.mkdir(exist_ok=True)
    baseline, _, _ = measure(None)
    print(f"limits: a process that only imports the bot peaks at {baseline:.0f} MB")
    large = large_attachment(WORK / "large-attachment.eml")
    for label, path, limit in (
        ("25 MB attachment, default 15 MB limit", large, 15 * 1024 * 1024),
        ("25 MB attachment, limit raised to 30 MB", large, 30 * 1024 * 1024),
        (
            "1,000-page PDF, default 100-page limit",
            long_pdf(WORK / "long-pdf.eml"),
            15 * 1024 * 1024,
        ),
    ):
        peak, elapsed, warnings = measure(path, limit)
        size = path.stat().st_size / 1048576
        print(
            f"limits: {label} ({size:.1f} MB message): peak {peak:.0f} MB, "
            f"{elapsed:.2f} s; warnings: {warnings or 'none'}"
        )


if __name__ == "__main__":
    report()
