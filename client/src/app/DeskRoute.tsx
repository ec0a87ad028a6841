import { useParams } from 'react-router';
import DeskPage from '../features/desk/DeskPage';
import { VideoDock } from '../features/video/VideoDock';
import { VideoProvider } from '../features/video/VideoProvider';

/** /desk/:region with live video: a channel picked on the desk's map, or a clue's nearest channels, open as tiles. */
export default function DeskRoute() {
  const { region = '' } = useParams();
  return (
    <VideoProvider region={region} keyTiles={0}>
      <DeskPage />
      <VideoDock variant="meeting" />
    </VideoProvider>
  );
}
