"""The domain: tables, rules, access and operations. Importing this package registers every table."""
from .base import db
from .school import AcademicYear, Bell, CancelledDay, Period, School, Setting
from .people import Guardian, Staff, Student, StudentGuardian
from .accounts import Consent, InviteCode, LoginEvent, PageView, RefusedRequest, User, UserRole
from .classes import Enrollment, SchoolClass, Subgroup, SubgroupMember
from .curriculum import CurriculumItem, PlanItem, Subject, TeachingAssignment
from .timetable import Substitution, TimetableEntry
from .journal import Attachment, Attendance, AttendanceReason, Lesson, Mark, WorkKind
from .finals import PeriodMark
from .achievements import Achievement, StudentResult
from .messaging import (
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
from .control import Remark
from .audit import AuditEvent
from .idempotency import FormSubmission
from .jobs import Job

__all__ = [name for name in dir() if not name.startswith("_")]
