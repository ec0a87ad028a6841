import { useParams } from 'react-router';

// Placeholder: the dispatch-meeting view (/meeting/:region) is built by its own task and
// replaces this file.
export default function MeetingPage() {
  const { region } = useParams();
  return (
    <div className="placeholder-page" data-testid="meeting-placeholder">
      调度会议视图 · {region}
    </div>
  );
}
