"""The domain: tables, rules, access and operations. Importing this package registers every table."""

from models.audit import AuditEvent
from models.base import db
from models.idempotency import FormSubmission
from models.jobs import Job
from models.tables.accounts import Consent, InviteCode, LoginEvent, PageView, RefusedRequest, User, UserRole
from models.tables.achievements import Achievement, StudentResult
from models.tables.classes import Enrollment, RolloverDecision, SchoolClass, Subgroup, SubgroupMember
from models.tables.control import Remark
from models.tables.curriculum import CurriculumItem, PlanItem, Subject, TeachingAssignment
from models.tables.finals import PeriodMark
from models.tables.journal import (
    Attachment,
    Attendance,
    AttendanceReason,
    DiaryAcknowledgement,
    Lesson,
    Mark,
    WorkKind,
)
from models.tables.mail import MailSubscription, SchoolMail
from models.tables.messaging import (
    Announcement,
    Conversation,
    ConversationParticipant,
    Message,
    Notification,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from models.tables.notices import NoticeSeen
from models.tables.people import Guardian, Staff, Student, StudentGuardian
from models.tables.records import BackupRun, RemovedRecord, YearSeal
from models.tables.school import AcademicYear, Bell, CancelledDay, Period, School, Setting
from models.tables.timetable import Substitution, TimetableEntry

__all__ = [name for name in dir() if not name.startswith("_")]
