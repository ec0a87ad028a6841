import { useParams } from 'react-router';
import MeetingPage from '../features/meeting/MeetingPage';
import { VideoDock } from '../features/video/VideoDock';
import { VideoProvider } from '../features/video/VideoProvider';

/** /meeting/:region with live video: the drill-down and the clue timeline can play channels. */
export default function MeetingRoute() {
  const { region = '' } = useParams();
  return (
    <VideoProvider region={region} keyTiles={0}>
      <MeetingPage />
      <VideoDock variant="meeting" />
    </VideoProvider>
  );
}
