"""The Help menu's dialogs: the searchable shortcut list, the user guide, About with its Copy button."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from tratteggio.core.support.doctor import Report


class ShortcutsDialog(QDialog):
    """Every shortcut in one table; typing filters by what it does or by its keys."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts — Tratteggio")
        self.resize(460, 560)
        self.search = QLineEdit(placeholderText="Search (e.g. mask, Ctrl+Z)")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows = rows
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.search.textChanged.connect(self.filter)

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for row, (what, keys) in enumerate(self.rows):
            cells = f"{what} {keys}".lower()
            self.table.setRowHidden(row, not all(word in cells for word in words))

    def visible_rows(self) -> list[tuple[str, str]]:
        return [pair for row, pair in enumerate(self.rows) if not self.table.isRowHidden(row)]


class GuideDialog(QDialog):
    """The user guide (resources/guide/*.md), rendered, opened at one page; its links move between
    pages and Back returns."""

    def __init__(self, page: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("User guide — Tratteggio")
        self.resize(720, 620)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(page.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(page)), QTextDocument.ResourceType.MarkdownResource)
        back = QPushButton("Back")
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        back.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addLayout(row)

    def page(self) -> str:
        return Path(self.browser.source().path()).stem


class AboutDialog(QDialog):
    """The credits (dependencies and their licences, the sample photo's author), then versions,
    device, folders and problems: the doctor's report, wrapped, with Copy for bug reports."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from tratteggio.core.support.credits import credits_text

        super().__init__(parent)
        self.setWindowTitle("About Tratteggio")
        self.resize(720, 680)
        self.credits = QLabel(credits_text())
        self.credits.setWordWrap(True)
        self.credits.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit("Gathering versions, device and folders…")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = self.text.font()
        font.setStyleHint(font.StyleHint.Monospace)
        font.setFamily("monospace")
        self.text.setFont(font)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setEnabled(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.credits)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons, alignment=Qt.AlignmentFlag.AlignRight)
        self.report: Report | None = None

    def show_report(self, report: Report) -> None:
        from tratteggio.core.support.render import render

        self.report = report
        self.text.setPlainText(render(report))
        self.copy_button.setEnabled(True)

    def show_failure(self, message: str) -> None:
        self.text.setPlainText(f"The report could not be gathered: {message}")

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
